using System.Globalization;
using Orchestration.Domain.Specs;

namespace Orchestration.Domain.Planning;

/// <summary>The cost cap of a batch (<c>maxCostUsd</c>) as a chunk keeps it: what its finished runs cost, what its
/// runs in flight could still cost, and whether the next run may start.</summary>
/// <remarks>
/// <para>
/// Pure and deterministic (orchestrator code consults it): a run in flight reserves one attempt's upper bound
/// (<see cref="AttemptUpperUsd"/>, the bound the dry run uses); when it ends its reservation is replaced by what it
/// actually cost. A run starts only while spent + reserved + its own reservation stays within the cap; the first
/// refusal is final, so no later, cheaper run slips in after the batch decided to stop.
/// </para>
/// <para>
/// One chunk runs at a time in a capped batch, and each starts from the spend of the chunks before it, so a gate
/// sees every cost of the batch that can still change.
/// </para>
/// </remarks>
public sealed class BudgetGate
{
    private readonly Dictionary<RunRef, decimal> _reserved = [];
    private readonly decimal _spentBefore;

    /// <summary>A gate for <paramref name="capUsd"/> of which <paramref name="spentUsd"/> is already spent.</summary>
    /// <param name="capUsd">The batch's cap, more than 0.</param>
    /// <param name="spentUsd">What earlier chunks' runs cost.</param>
    public BudgetGate(decimal capUsd, decimal spentUsd = 0m)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capUsd);
        ArgumentOutOfRangeException.ThrowIfNegative(spentUsd);
        CapUsd = capUsd;
        SpentUsd = spentUsd;
        _spentBefore = spentUsd;
    }

    /// <summary>The cap.</summary>
    public decimal CapUsd { get; }

    /// <summary>What the finished runs cost, this gate's and the earlier chunks'.</summary>
    public decimal SpentUsd { get; private set; }

    /// <summary>What the finished runs of this gate cost (without the earlier chunks').</summary>
    public decimal SpentHereUsd => SpentUsd - _spentBefore;

    /// <summary>What the runs in flight could still cost.</summary>
    public decimal ReservedUsd => _reserved.Values.Sum();

    /// <summary>Why runs stopped starting, once a run was refused; null before.</summary>
    public string? StopReason { get; private set; }

    /// <summary>The most one attempt of a task can cost: Cloud Run for its whole execution timeout at its profile,
    /// plus its Claude <c>maxBudgetUsd</c>.</summary>
    /// <param name="task">The normalised task.</param>
    /// <param name="prices">The prices the aggregate uses.</param>
    /// <param name="limits">The attempt time allowances.</param>
    /// <returns>The bound in USD.</returns>
    public static decimal AttemptUpperUsd(BatchTask task, Aggregation.AggregationOptions prices, AttemptTimeLimits limits)
    {
        ArgumentNullException.ThrowIfNull(task);
        return CostEstimator.ForTask(task with { N = 1, MaxAttempts = 1 }, prices, limits).UpperUsd;
    }

    /// <summary>How a capped batch runs its chunks: one at a time, keeping the batch's <c>maxParallelRuns</c> in
    /// flight (no more than a chunk holds), so one gate sees every run that can still spend.</summary>
    /// <param name="maxParallelRuns">The batch's bound on runs in flight, at least 1.</param>
    /// <param name="chunkSize">Runs per chunk, at least 1.</param>
    /// <returns>The concurrency.</returns>
    public static ChunkConcurrency Concurrency(int maxParallelRuns, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallelRuns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        return new ChunkConcurrency(1, Math.Min(maxParallelRuns, chunkSize));
    }

    /// <summary>Reserves <paramref name="upperUsd"/> for <paramref name="run"/> if it fits within the cap.</summary>
    /// <param name="run">The run about to start.</param>
    /// <param name="upperUsd">The most its attempt can cost.</param>
    /// <returns>True when the run may start; false (from then on) once one did not fit.</returns>
    public bool TryReserve(RunRef run, decimal upperUsd)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(upperUsd);
        if (StopReason is not null)
        {
            return false;
        }

        var committed = SpentUsd + ReservedUsd;
        if (committed + upperUsd > CapUsd)
        {
            StopReason = Reason(upperUsd, committed, CapUsd);
            return false;
        }

        _reserved[run] = upperUsd;
        return true;
    }

    /// <summary>A run ended: its reservation gives way to what it cost.</summary>
    /// <param name="run">The run.</param>
    /// <param name="costUsd">What it cost (every attempt).</param>
    public void Settle(RunRef run, decimal costUsd)
    {
        _reserved.Remove(run);
        SpentUsd += costUsd;
    }

    /// <summary>The reason a stopped batch shows.</summary>
    /// <param name="nextUsd">The most the refused run could have cost.</param>
    /// <param name="committedUsd">Spent and reserved when it was refused.</param>
    /// <param name="capUsd">The cap.</param>
    /// <returns>The reason.</returns>
    public static string Reason(decimal nextUsd, decimal committedUsd, decimal capUsd) =>
        $"Stopped by the cost cap: the next run could cost up to {Usd(nextUsd)} and {Usd(committedUsd)} of the {Usd(capUsd)} cap is spent or reserved.";

    // Cents for the usual amounts; small per-run amounts keep up to six decimals (the aggregate's) so they never read as $0.00.
    private static string Usd(decimal amount) => "$" + amount.ToString("0.00####", CultureInfo.InvariantCulture);
}
