using System.Text.Json;
using Orchestration.Domain.Rejudging;

namespace Orchestration.Domain.Rerunning;

/// <summary>What makes results version N of a batch, stored once (create-if-absent) as the claim of that version: a
/// rejudge (new rules over the stored results) or a rerun (new attempts for some runs). Rejudges and reruns share
/// the one sequence of versions, so each version has exactly one maker.</summary>
/// <param name="Rejudge">The rejudge, when it is one.</param>
/// <param name="Rerun">The rerun, when it is one.</param>
public sealed record VersionRequest(RejudgeRequest? Rejudge, RerunRequest? Rerun)
{
    /// <summary>The stored form (UTF-8 JSON).</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, BatchJson.Options.Info<VersionRequest>());

    /// <summary>Reads the stored form.</summary>
    /// <param name="utf8Json">The bytes.</param>
    /// <returns>The request.</returns>
    public static VersionRequest Parse(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, BatchJson.Options.Info<VersionRequest>()) ?? throw new JsonException("A stored version request is null.");
}
