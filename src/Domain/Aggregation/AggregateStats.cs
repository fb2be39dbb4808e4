namespace Orchestration.Domain.Aggregation;

/// <summary>Counts, rates, durations, cost and attempts of a task or of the whole batch.</summary>
/// <remarks>Rates use passed + failed as denominator (shared/DESIGN.md section 10): errored, timed-out
/// cancelled and skipped runs say nothing about the task's behaviour, only about the infrastructure.</remarks>
public record AggregateStats
{
    /// <summary>Runs planned (reported or not); in a rejudged version, less the runs it could not judge.</summary>
    public int Runs { get; init; }

    /// <summary>Runs that passed.</summary>
    public int Passed { get; init; }

    /// <summary>Runs that failed.</summary>
    public int Failed { get; init; }

    /// <summary>Runs that errored after all attempts.</summary>
    public int Errored { get; init; }

    /// <summary>Runs that timed out.</summary>
    public int TimedOut { get; init; }

    /// <summary>Runs cancelled, including runs planned but never reported (but in a batch stopped by its cost cap).</summary>
    public int Cancelled { get; init; }

    /// <summary>Runs never started because the batch's cost cap stopped it (status <c>stopped</c>); like cancelled runs,
    /// never in a rate's denominator.</summary>
    public int Skipped { get; init; }

    /// <summary>Runs flagged, per flag name (ordinal order; 0 for a rule that never fired).</summary>
    public IReadOnlyDictionary<string, int> Flagged { get; init; } = new SortedDictionary<string, int>(StringComparer.Ordinal);

    /// <summary>passed / (passed + failed) with its 95% Wilson interval; null when nothing was judged.</summary>
    public RateEstimate? PassRate { get; init; }

    /// <summary>flagged / (passed + failed) per flag name; a value is null when its denominator is 0.</summary>
    public IReadOnlyDictionary<string, RateEstimate?> FlagRates { get; init; } = new SortedDictionary<string, RateEstimate?>(StringComparer.Ordinal);

    /// <summary>Durations over runs that ran; null when none ran.</summary>
    public DurationSummary? Duration { get; init; }

    /// <summary>Cost.</summary>
    public CostSummary Cost { get; init; } = new(0m, 0m, 0m, 0m, 0m);

    /// <summary>Attempts started.</summary>
    public int Attempts { get; init; }

    /// <summary>Attempts beyond the first of each launched run: the sum of max(attempts - 1, 0).</summary>
    public int Retries { get; init; }

    /// <summary>In a rejudged version: runs whose captures lack what the new rules read, counted in no outcome or
    /// rate (listed in the version's <c>rejudge</c> section with the reason); null otherwise.</summary>
    public int? NotRejudgeable { get; init; }
}
