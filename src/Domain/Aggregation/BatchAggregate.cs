namespace Orchestration.Domain.Aggregation;

/// <summary>The persisted aggregate of a batch: per task and in total.</summary>
public sealed record BatchAggregate
{
    /// <summary>Per task, in ordinal order.</summary>
    public required IReadOnlyList<TaskAggregate> Tasks { get; init; }

    /// <summary>The whole batch.</summary>
    /// <remarks>A batch-level flag rate counts, as denominator, only the tasks that define (or fired)
    /// that flag name. Percentiles and cost are computed over all runs, not summed from tasks.</remarks>
    public required AggregateStats Total { get; init; }

    /// <summary>When the batch started (set by the caller: Domain has no clock).</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the batch completed (set by the caller).</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The version: 1 for the aggregate the batch ended with, 2 and up for each rejudge; null in
    /// documents written before versions (read as 1).</summary>
    public int? Version { get; init; }

    /// <summary>For a rejudged version: the rules applied and what they could and could not judge.</summary>
    public Rejudging.RejudgeSummary? Rejudge { get; init; }

    /// <summary>For a version a rerun made: which outcomes were run again and how many runs.</summary>
    public Rerunning.RerunSummary? Rerun { get; init; }
}
