using Orchestration.Domain.Judging;

namespace Orchestration.Activities.Stores;

/// <summary>A page request over a batch's run rows, in (task ordinal, run index) order.</summary>
/// <param name="BatchId">The batch.</param>
/// <param name="TaskOrdinal">Only this task.</param>
/// <param name="Outcome">Only this outcome.</param>
/// <param name="Flag">Only runs where this flag fired.</param>
/// <param name="PageSize">At most this many rows.</param>
/// <param name="ContinuationToken">Where the previous page stopped (opaque).</param>
public sealed record RunQuery(
    string BatchId,
    int? TaskOrdinal = null,
    RunOutcome? Outcome = null,
    string? Flag = null,
    int PageSize = 500,
    string? ContinuationToken = null);
