namespace Orchestration.Domain.Planning;

/// <summary>What a task (or a whole batch) could cost before it runs: an upper bound, and a likely value where
/// earlier runs tell one.</summary>
/// <param name="AttemptSecondsMax">Billed seconds of one attempt at most (the Cloud Run task timeout); 0 for a sum over tasks.</param>
/// <param name="AttemptsMax">Attempts at most: runs x maxAttempts.</param>
/// <param name="VcpuSecondsMax">Cloud Run vCPU-seconds at most.</param>
/// <param name="GibSecondsMax">Cloud Run GiB-seconds at most.</param>
/// <param name="CloudRunUsdMax">Both priced by the deployment's prices.</param>
/// <param name="ClaudeUsdMax">Claude's spending at most (maxBudgetUsd x runs x maxAttempts); null for a command task,
/// or a Claude task without maxBudgetUsd (no bound).</param>
/// <param name="UpperUsd">Cloud Run plus Claude's bound: the most the task can cost when <paramref name="Bounded"/>.</param>
/// <param name="Bounded">False when a Claude task has no maxBudgetUsd: its Claude cost then has no bound, and
/// <paramref name="UpperUsd"/> counts only Cloud Run for it.</param>
/// <param name="LikelyUsd">The likely cost from earlier runs of the same task; null when unknown.</param>
public sealed record CostEstimate(
    int AttemptSecondsMax, long AttemptsMax, decimal VcpuSecondsMax, decimal GibSecondsMax, decimal CloudRunUsdMax,
    decimal? ClaudeUsdMax, decimal UpperUsd, bool Bounded, decimal? LikelyUsd);
