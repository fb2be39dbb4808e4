using Orchestration.Domain.Normalization;

namespace Orchestration.Domain.Validation;

/// <summary>Reads, validates and normalises a submitted batch document in one step.</summary>
public static class BatchIntake
{
    /// <summary>Reads a document.</summary>
    /// <param name="utf8Json">The document as UTF-8 JSON.</param>
    /// <param name="limits">The limits in force.</param>
    /// <param name="defaults">Host defaults.</param>
    /// <param name="fallbackId">The id to use when the document names none.</param>
    /// <returns>The normalised batch with its hash, or every problem found.</returns>
    public static IntakeResult Read(ReadOnlySpan<byte> utf8Json, BatchLimits limits, BatchDefaults defaults, Func<string> fallbackId)
    {
        ArgumentNullException.ThrowIfNull(fallbackId);
        var parsed = BatchDocumentParser.Parse(utf8Json);
        if (!parsed.Succeeded)
        {
            return IntakeResult.Invalid([parsed.Problem]);
        }

        var problems = BatchValidator.Validate(parsed.Document, limits, defaults);
        if (problems.Count > 0)
        {
            return IntakeResult.Invalid(problems);
        }

        var batch = BatchNormalizer.Normalize(parsed.Document, defaults, parsed.Document.Id is null ? fallbackId() : null);
        return IntakeResult.Valid(batch, CanonicalJson.Hash(batch));
    }
}
