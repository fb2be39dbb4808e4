using Orchestration.Domain.Judging;

namespace Orchestration.Domain.Aggregation;

/// <summary>The compact record of one finished run that aggregation reads.</summary>
/// <param name="TaskOrdinal">The task's ordinal in the batch.</param>
/// <param name="RunIndex">The run's index within the task (0-based).</param>
/// <param name="Outcome">The final outcome.</param>
/// <param name="Flags">Names of the flag rules that fired.</param>
/// <param name="DurationSeconds">How long the work ran (the judged attempt); null when it never ran.</param>
/// <param name="Attempts">Attempts started (0 when the run was never launched).</param>
/// <param name="VcpuSeconds">Cloud Run vCPU-seconds billed over all attempts (see <see cref="CloudRunUsage"/>).</param>
/// <param name="GibSeconds">Cloud Run GiB-seconds billed over all attempts.</param>
/// <param name="ClaudeCostUsd">Claude's <c>total_cost_usd</c> summed over attempts; null for command runs.</param>
/// <param name="NotRejudgeable">A rejudge could not judge this run by its new rules (its captures lack what they
/// read): it counts in no outcome, flag or rate, only in <see cref="AggregateStats.NotRejudgeable"/>, its cost and
/// attempts.</param>
public sealed record RunRecord(
    int TaskOrdinal,
    int RunIndex,
    RunOutcome Outcome,
    IReadOnlyList<string> Flags,
    double? DurationSeconds,
    int Attempts,
    decimal VcpuSeconds,
    decimal GibSeconds,
    decimal? ClaudeCostUsd,
    bool NotRejudgeable = false);
