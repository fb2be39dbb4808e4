using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Judging;

namespace Orchestration.Activities.Stores;

/// <summary>One run's result as the result store keeps it and <c>/runs</c> lists it (flat columns).</summary>
/// <remarks>Written by CollectResult (upsert by run key: a repeated activity writes the same row), and for
/// runs that never produced a result by the run orchestrator's final step.</remarks>
public sealed record RunRow
{
    /// <summary>The batch id.</summary>
    public required string BatchId { get; init; }

    /// <summary>The task's ordinal.</summary>
    public required int TaskOrdinal { get; init; }

    /// <summary>The task id.</summary>
    public required string TaskId { get; init; }

    /// <summary>The run index.</summary>
    public required int RunIndex { get; init; }

    /// <summary>The judged outcome.</summary>
    public required RunOutcome Outcome { get; init; }

    /// <summary>Why, in a sentence, for anything but a pass.</summary>
    public string? Reason { get; init; }

    /// <summary>Names of the flag rules that fired, sorted.</summary>
    public required IReadOnlyList<string> Flags { get; init; }

    /// <summary>The exit code of the last attempt that ran.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Seconds the work ran in the last attempt that ran.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>vCPU-seconds over all attempts.</summary>
    public decimal VcpuSeconds { get; init; }

    /// <summary>GiB-seconds over all attempts.</summary>
    public decimal GibSeconds { get; init; }

    /// <summary>Claude's reported cost over all attempts.</summary>
    public decimal? ClaudeCostUsd { get; init; }

    /// <summary>Cloud Run cost at the configured prices plus Claude's cost.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>Attempts started.</summary>
    public required int Attempts { get; init; }

    /// <summary>The execution of the last attempt.</summary>
    public string? Execution { get; init; }

    /// <summary>Whether flag rules saw only the first part of a long response.</summary>
    public bool ResponseTruncated { get; init; }

    /// <summary>When the run finished.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Every attempt, in order.</summary>
    public IReadOnlyList<AttemptRow> AttemptLog { get; init; } = [];

    /// <summary>Whether the run will be attempted again: the row keeps the attempt's usage and log for the
    /// next attempt, but the run is not judged yet, so it takes no place in the judged order.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Retrying { get; init; }

    /// <summary>Whether this row judges again a run whose earlier attempt was judged (a rerun's): it takes a new place
    /// in the judged order, so a reader following the order sees the new judgement. Not stored.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool JudgedAgain { get; init; }

    /// <summary>The record aggregation needs.</summary>
    /// <returns>The run record.</returns>
    public RunRecord ToRecord() =>
        new(TaskOrdinal, RunIndex, Outcome, Flags, DurationSeconds, Attempts, VcpuSeconds, GibSeconds, ClaudeCostUsd);
}
