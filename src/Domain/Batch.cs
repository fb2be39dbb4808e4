using System.Text.Json.Serialization;

namespace Orchestration.Domain;

/// <summary>A validated, normalised batch: defaults applied, kinds inferred, collections sorted.</summary>
/// <remarks>Its canonical JSON (<c>CanonicalJson</c>) and that JSON's SHA-256 tell
/// "same id, same content" from "same id, different content" at submit.</remarks>
public sealed record Batch
{
    /// <summary>The batch id.</summary>
    public required string Id { get; init; }

    /// <summary>Labels, sorted by key.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>The webhook URL, if any.</summary>
    public string? WebhookUrl { get; init; }

    /// <summary>Upper bound of runs in flight at once.</summary>
    public required int MaxParallelRuns { get; init; }

    /// <summary>The cost cap in USD; null when the batch has none.</summary>
    /// <remarks>Null is omitted from the canonical JSON, so an uncapped batch hashes as it did before caps existed.</remarks>
    public decimal? MaxCostUsd { get; init; }

    /// <summary>The tasks in document order; a task's ordinal is its index here.</summary>
    public required IReadOnlyList<BatchTask> Tasks { get; init; }

    /// <summary>The total number of runs (sum of every task's <see cref="BatchTask.N"/>).</summary>
    [JsonIgnore]
    public int TotalRuns => Tasks.Sum(t => t.N);
}
