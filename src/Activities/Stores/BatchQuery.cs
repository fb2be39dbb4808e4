using Orchestration.Domain;

namespace Orchestration.Activities.Stores;

/// <summary>A page request over stored batches, in batch-id order.</summary>
/// <param name="Statuses">Only these statuses; all when null or empty.</param>
/// <param name="CreatedFrom">Only batches created at or after this time.</param>
/// <param name="CreatedTo">Only batches created before this time.</param>
/// <param name="PageSize">At most this many items.</param>
/// <param name="ContinuationToken">Where the previous page stopped (opaque).</param>
public sealed record BatchQuery(
    IReadOnlyList<BatchStatus>? Statuses = null,
    DateTimeOffset? CreatedFrom = null,
    DateTimeOffset? CreatedTo = null,
    int PageSize = 100,
    string? ContinuationToken = null);
