using System.Text.Json;
using Orchestration.Domain.Aggregation;

namespace Orchestration.Domain.Rejudging;

/// <summary>The judgements of one rejudge chunk, kept in the object store until the version is written.</summary>
/// <param name="Records">One record per run of the chunk that was reported (rejudged, kept, or not rejudgeable).</param>
/// <param name="NotRejudgeable">The runs the new rules could not judge, with the reason.</param>
/// <param name="Rejudged">Runs judged again.</param>
/// <param name="Changed">Of those, runs whose outcome or flags changed.</param>
/// <param name="Kept">Runs without a result to judge, kept as they were.</param>
public sealed record RejudgeChunk(IReadOnlyList<RunRecord> Records, IReadOnlyList<UnjudgedRun> NotRejudgeable, int Rejudged, int Changed, int Kept)
{
    /// <summary>The stored form (UTF-8 JSON).</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, BatchJson.Options.Info<RejudgeChunk>());

    /// <summary>Reads the stored form.</summary>
    /// <param name="utf8Json">The bytes.</param>
    /// <returns>The chunk.</returns>
    public static RejudgeChunk Parse(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, BatchJson.Options.Info<RejudgeChunk>()) ?? throw new JsonException("A stored rejudge chunk is null.");
}
