using Orchestration.Activities.Stores;
using Orchestration.Domain.Judging;

namespace Orchestration.Workflows.Service;

/// <summary>One run as the API lists it (the flat columns of <c>/runs</c>), mapped once from the stored row.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="TaskOrdinal">The task's ordinal (indexes <see cref="RunListing.TaskLabels"/>).</param>
/// <param name="TaskId">The task id.</param>
/// <param name="RunIndex">The run index.</param>
/// <param name="Outcome">The judged outcome.</param>
/// <param name="Flags">Names of the flag rules that fired, sorted.</param>
/// <param name="ExitCode">The exit code of the last attempt that ran.</param>
/// <param name="DurationSeconds">Seconds the work ran in the last attempt that ran.</param>
/// <param name="CostUsd">Cloud Run cost at the configured prices plus Claude's cost.</param>
/// <param name="Attempts">Attempts started.</param>
/// <param name="Execution">The execution of the last attempt.</param>
/// <param name="Reason">Why, in a sentence, for anything but a pass.</param>
public sealed record RunView(
    string BatchId,
    int TaskOrdinal,
    string TaskId,
    int RunIndex,
    RunOutcome Outcome,
    IReadOnlyList<string> Flags,
    int? ExitCode,
    double? DurationSeconds,
    decimal? CostUsd,
    int Attempts,
    string? Execution,
    string? Reason)
{
    /// <summary>The view of a stored row.</summary>
    /// <param name="row">The row.</param>
    /// <returns>The view.</returns>
    public static RunView From(RunRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.BatchId, row.TaskOrdinal, row.TaskId, row.RunIndex, row.Outcome, row.Flags, row.ExitCode, row.DurationSeconds,
            row.CostUsd, row.Attempts, row.Execution, row.Reason);
    }
}
