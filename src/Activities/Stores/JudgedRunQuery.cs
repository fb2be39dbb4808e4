using Orchestration.Domain.Judging;

namespace Orchestration.Activities.Stores;

/// <summary>A request for a batch's runs judged after a cursor, in judged order.</summary>
/// <param name="BatchId">The batch.</param>
/// <param name="After">The cursor (see <see cref="JudgedCursor"/>); null or empty = from the first judged run.</param>
/// <param name="Limit">At most this many rows.</param>
/// <param name="TaskOrdinal">Only this task.</param>
/// <param name="Outcome">Only this outcome.</param>
public sealed record JudgedRunQuery(
    string BatchId,
    string? After = null,
    int Limit = 500,
    int? TaskOrdinal = null,
    RunOutcome? Outcome = null);
