using System.Security.Cryptography;
using Orchestration.Domain;
using Orchestration.Domain.Validation;

namespace Orchestration.Workflows.Service;

/// <summary>Reads a submitted document the one way submit and the dry run share, so both answer the same problems.</summary>
internal static class SubmissionIntake
{
    /// <summary>Validates and normalises a document; without an id in it, the id comes from the idempotency key or is generated.</summary>
    /// <param name="document">The batch JSON.</param>
    /// <param name="idempotencyKey">The <c>Idempotency-Key</c> header or queue message id, or null.</param>
    /// <param name="settings">Limits and defaults.</param>
    /// <param name="time">The clock (generated ids are sortable by time).</param>
    /// <param name="generated">True when the id was generated, so a real submit would make another.</param>
    /// <returns>The intake result.</returns>
    public static IntakeResult Read(ReadOnlySpan<byte> document, string? idempotencyKey, BatchServiceOptions settings, TimeProvider time, out bool generated)
    {
        var fromKey = idempotencyKey is { Length: > 0 };
        var fallbackUsed = false;
        var intake = BatchIntake.Read(document, settings.Limits, settings.Defaults, () =>
        {
            fallbackUsed = true;
            return fromKey
                ? BatchIds.FromIdempotencyKey(idempotencyKey!)
                : BatchIds.Generate(time.GetUtcNow(), RandomNumberGenerator.GetBytes(5));
        });
        generated = fallbackUsed && !fromKey;
        return intake;
    }
}
