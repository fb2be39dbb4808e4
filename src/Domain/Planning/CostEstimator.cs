using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Documents;
using Orchestration.Domain.Specs;

namespace Orchestration.Domain.Planning;

/// <summary>Estimates what a batch could cost before anything starts (the dry run).</summary>
/// <remarks>The upper bound bills every attempt of every run for the whole Cloud Run task timeout, which is the
/// task's <c>timeoutSeconds</c> plus the setup and upload allowances (<see cref="AttemptTimeLimits"/>): Cloud Run
/// bills an execution until it ends, and a run that hangs is stopped only there. Prices are those the aggregate
/// uses for the cost it reports afterwards, so the estimate and the bill are in the same terms.</remarks>
public static class CostEstimator
{
    /// <summary>The estimate of one task.</summary>
    /// <param name="task">The normalised task.</param>
    /// <param name="prices">vCPU-second and GiB-second prices, and the decimals kept.</param>
    /// <param name="limits">The attempt time allowances.</param>
    /// <returns>The estimate; <see cref="CostEstimate.LikelyUsd"/> is null (no earlier durations known).</returns>
    public static CostEstimate ForTask(BatchTask task, AggregationOptions prices, AttemptTimeLimits limits)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(limits);
        var attemptSeconds = (int)limits.ExecutionTimeout(task.TimeoutSeconds).TotalSeconds;
        var attempts = (long)task.N * task.MaxAttempts;
        var usage = CloudRunUsage.For(task.Profile, attemptSeconds);
        var vcpu = usage.VcpuSeconds * attempts;
        var gib = usage.GibSeconds * attempts;
        var cloudRun = Round((vcpu * prices.VcpuSecondUsd) + (gib * prices.GibSecondUsd), prices);
        decimal? claude = task.Kind == TaskKind.Claude && task.MaxBudgetUsd is { } budget ? Round(budget * attempts, prices) : null;
        var bounded = task.Kind != TaskKind.Claude || claude is not null;
        return new CostEstimate(attemptSeconds, attempts, Round(vcpu, prices), Round(gib, prices), cloudRun, claude,
            cloudRun + (claude ?? 0m), bounded, null);
    }

    /// <summary>The sum of several estimates (a batch's).</summary>
    /// <param name="estimates">The tasks' estimates.</param>
    /// <returns>The sum: Claude's bound when any task has one; likely only when every task has one.</returns>
    public static CostEstimate Sum(IReadOnlyCollection<CostEstimate> estimates)
    {
        ArgumentNullException.ThrowIfNull(estimates);
        var claude = estimates.Any(e => e.ClaudeUsdMax is not null) ? estimates.Sum(e => e.ClaudeUsdMax ?? 0m) : (decimal?)null;
        var likely = estimates.Count > 0 && estimates.All(e => e.LikelyUsd is not null) ? estimates.Sum(e => e.LikelyUsd!.Value) : (decimal?)null;
        return new CostEstimate(0, estimates.Sum(e => e.AttemptsMax), estimates.Sum(e => e.VcpuSecondsMax), estimates.Sum(e => e.GibSecondsMax),
            estimates.Sum(e => e.CloudRunUsdMax), claude, estimates.Sum(e => e.UpperUsd), estimates.All(e => e.Bounded), likely);
    }

    private static decimal Round(decimal value, AggregationOptions prices) => Math.Round(value, prices.Decimals, MidpointRounding.AwayFromZero);
}
