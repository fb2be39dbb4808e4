using Orchestration.Domain.Judging;

namespace Orchestration.Domain.Aggregation;

/// <summary>Sums run records into <see cref="AggregateStats"/>.</summary>
/// <remarks>Callers add records in (ordinal, run index) order, so sums are the same whatever order
/// results arrived in.</remarks>
internal sealed class StatsAccumulator
{
    private readonly int[] _outcomes = new int[Enum.GetValues<RunOutcome>().Length];
    private readonly SortedDictionary<string, int> _flagged = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _flaggedJudged = new(StringComparer.Ordinal);
    private readonly List<double> _durations = [];
    private decimal _vcpuSeconds;
    private decimal _gibSeconds;
    private decimal _claudeUsd;
    private int _attempts;
    private int _retries;
    private int? _notRejudgeable;
    private int _skipped;

    public int Judged => Count(RunOutcome.Passed) + Count(RunOutcome.Failed);

    public IReadOnlyDictionary<string, int> Flagged => _flagged;

    public void DefineFlags(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            _flagged.TryAdd(name, 0);
        }
    }

    public void Add(RunRecord run)
    {
        _outcomes[(int)run.Outcome]++;
        var judged = run.Outcome is RunOutcome.Passed or RunOutcome.Failed;
        foreach (var name in run.Flags.Distinct(StringComparer.Ordinal))
        {
            _flagged[name] = _flagged.GetValueOrDefault(name) + 1;
            if (judged)
            {
                _flaggedJudged[name] = _flaggedJudged.GetValueOrDefault(name) + 1;
            }
        }

        if (run.DurationSeconds is { } seconds)
        {
            _durations.Add(seconds);
        }

        _vcpuSeconds += run.VcpuSeconds;
        _gibSeconds += run.GibSeconds;
        _claudeUsd += run.ClaudeCostUsd ?? 0m;
        _attempts += run.Attempts;
        _retries += Math.Max(run.Attempts - 1, 0);
    }

    /// <summary>A run a rejudge could not judge: its usage counts, its outcome and flags do not.</summary>
    public void AddNotRejudgeable(RunRecord run)
    {
        _notRejudgeable = (_notRejudgeable ?? 0) + 1;
        _vcpuSeconds += run.VcpuSeconds;
        _gibSeconds += run.GibSeconds;
        _claudeUsd += run.ClaudeCostUsd ?? 0m;
        _attempts += run.Attempts;
        _retries += Math.Max(run.Attempts - 1, 0);
    }

    /// <summary>Runs planned but never reported: cancelled, or skipped when a cost cap stopped the batch before they started.</summary>
    public void AddNeverReported(int runs, bool skipped)
    {
        if (skipped)
        {
            _skipped += runs;
        }
        else
        {
            _outcomes[(int)RunOutcome.Cancelled] += runs;
        }
    }

    public T Build<T>(T seed, Func<string, int> flagDenominator, AggregationOptions options)
        where T : AggregateStats =>
        (T)(seed with
        {
            Runs = _outcomes.Sum() + _skipped,
            Passed = Count(RunOutcome.Passed),
            Failed = Count(RunOutcome.Failed),
            Errored = Count(RunOutcome.Errored),
            TimedOut = Count(RunOutcome.TimedOut),
            Cancelled = Count(RunOutcome.Cancelled),
            Skipped = _skipped,
            Flagged = new SortedDictionary<string, int>(_flagged, StringComparer.Ordinal),
            PassRate = RateEstimate.Wilson(Count(RunOutcome.Passed), Judged, options.WilsonZ, options.Decimals),
            FlagRates = FlagRates(flagDenominator, options),
            Duration = DurationSummary.Of(_durations),
            Cost = Cost(options),
            Attempts = _attempts,
            Retries = _retries,
            NotRejudgeable = _notRejudgeable,
        });

    private int Count(RunOutcome outcome) => _outcomes[(int)outcome];

    private SortedDictionary<string, RateEstimate?> FlagRates(Func<string, int> denominator, AggregationOptions options)
    {
        var rates = new SortedDictionary<string, RateEstimate?>(StringComparer.Ordinal);
        foreach (var name in _flagged.Keys)
        {
            // Numerator and denominator both count judged runs only: a flagged run that timed out
            // shows in Flagged but says nothing about the rate.
            var count = _flaggedJudged.GetValueOrDefault(name);
            rates[name] = RateEstimate.Wilson(count, denominator(name), options.WilsonZ, options.Decimals);
        }

        return rates;
    }

    private CostSummary Cost(AggregationOptions options)
    {
        var cloudRun = Round((_vcpuSeconds * options.VcpuSecondUsd) + (_gibSeconds * options.GibSecondUsd), options);
        var claude = Round(_claudeUsd, options);
        return new CostSummary(Round(_vcpuSeconds, options), Round(_gibSeconds, options), cloudRun, claude, cloudRun + claude);
    }

    private static decimal Round(decimal value, AggregationOptions options) =>
        Math.Round(value, options.Decimals, MidpointRounding.ToEven);
}
