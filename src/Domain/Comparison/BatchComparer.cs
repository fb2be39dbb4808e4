using System.Globalization;
using Orchestration.Domain.Aggregation;

namespace Orchestration.Domain.Comparison;

/// <summary>Compares two batches' aggregates: matched tasks' pass and flag rates, with intervals, exact p-values,
/// Holm's adjustment across tasks, a verdict and the runs a decisive answer would need.</summary>
/// <remarks>Only judged runs count (passed + failed), as in the aggregate: errored, timed-out and cancelled runs say
/// nothing about the task. A verdict names a side only when the Holm-adjusted p-value is below 0.05 and the 95%
/// Newcombe interval excludes 0; both are asked for because the interval and the exact test can disagree at the edge,
/// and a verdict should not depend on which one was looked at.</remarks>
public static class BatchComparer
{
    /// <summary>The significance level of every verdict.</summary>
    public const double Alpha = 0.05;

    /// <summary>The verdict rule, in words (written into every comparison).</summary>
    public const string Rule = "A side is named higher when the Holm-adjusted Fisher exact p-value is below 0.05 and the 95% Newcombe interval of B - A excludes 0; otherwise no detectable difference.";

    /// <summary>Compares <paramref name="a"/> with <paramref name="b"/>.</summary>
    /// <param name="aId">A's id.</param>
    /// <param name="a">A's aggregate.</param>
    /// <param name="bId">B's id.</param>
    /// <param name="b">B's aggregate.</param>
    /// <param name="map">Explicit pairs (A's task, B's task); tasks named in none are matched by equal id.</param>
    /// <param name="detectableDifference">The difference the runs-needed figure is computed for, in (0, 1].</param>
    /// <param name="options">The interval's z and decimals.</param>
    /// <param name="problem">Why the mapping was refused (a task it names is not in its batch).</param>
    /// <returns>The comparison, or null with <paramref name="problem"/>.</returns>
    public static BatchComparison? TryCompare(string aId, BatchAggregate a, string bId, BatchAggregate b, IReadOnlyList<TaskPair> map,
        double detectableDifference, AggregationOptions options, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(options);
        var tasksA = a.Tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var tasksB = b.Tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
        problem = map.Where(p => !tasksA.ContainsKey(p.A)).Select(p => $"Task '{p.A}' is not in batch '{aId}'.")
            .Concat(map.Where(p => !tasksB.ContainsKey(p.B)).Select(p => $"Task '{p.B}' is not in batch '{bId}'.")).FirstOrDefault();
        if (problem is not null)
        {
            return null;
        }

        var pairs = Match(a, b, map);
        var stats = new Statistics(detectableDifference, options);
        var tasks = pairs.Select(p => stats.Scope(p.A, p.B)).ToList();
        var pass = Holm.Adjust([.. tasks.Select(t => t.Pass.PValue)]);
        var flagNames = tasks.SelectMany(t => t.Flags.Keys).Distinct(StringComparer.Ordinal).ToList();
        var flagAdjusted = flagNames.ToDictionary(name => name, name => Holm.Adjust([.. tasks.Select(t => t.Flags.GetValueOrDefault(name)?.PValue)]), StringComparer.Ordinal);
        var compared = tasks.Select((t, i) => new TaskComparison
        {
            TaskA = pairs[i].A.Id,
            TaskB = pairs[i].B.Id,
            Pass = stats.Judge(t.Pass, pass[i]),
            Flags = new SortedDictionary<string, RateComparison>(
                t.Flags.ToDictionary(f => f.Key, f => stats.Judge(f.Value, flagAdjusted[f.Key][i]), StringComparer.Ordinal), StringComparer.Ordinal),
        }).ToList();

        var matchedA = pairs.Select(p => p.A.Id).ToHashSet(StringComparer.Ordinal);
        var matchedB = pairs.Select(p => p.B.Id).ToHashSet(StringComparer.Ordinal);
        return new BatchComparison
        {
            A = aId,
            B = bId,
            DetectableDifference = detectableDifference,
            Tasks = compared,
            Overall = stats.Overall(pairs),
            UnmatchedA = [.. a.Tasks.Select(t => t.Id).Where(id => !matchedA.Contains(id))],
            UnmatchedB = [.. b.Tasks.Select(t => t.Id).Where(id => !matchedB.Contains(id))],
        };
    }

    /// <summary>The verdict for an interval and an adjusted p-value.</summary>
    /// <param name="difference">B - A with its interval, or null.</param>
    /// <param name="adjustedPValue">The adjusted p-value, or null.</param>
    /// <param name="judgedA">Runs judged in A.</param>
    /// <param name="judgedB">Runs judged in B.</param>
    /// <returns>"B higher", "A higher" or "no detectable difference at n=A/B".</returns>
    public static string Verdict(DifferenceInterval? difference, double? adjustedPValue, int judgedA, int judgedB) =>
        difference is not null && adjustedPValue < Alpha && difference.Lower > 0 ? "B higher"
        : difference is not null && adjustedPValue < Alpha && difference.Upper < 0 ? "A higher"
        : string.Create(CultureInfo.InvariantCulture, $"no detectable difference at n={judgedA}/{judgedB}");

    // Pairs from the map first, then equal ids among the tasks the map did not name, in A's order.
    private static List<(TaskAggregate A, TaskAggregate B)> Match(BatchAggregate a, BatchAggregate b, IReadOnlyList<TaskPair> map)
    {
        var mappedA = map.Select(p => p.A).ToHashSet(StringComparer.Ordinal);
        var mappedB = map.Select(p => p.B).ToHashSet(StringComparer.Ordinal);
        var byIdB = b.Tasks.Where(t => !mappedB.Contains(t.Id)).ToDictionary(t => t.Id, StringComparer.Ordinal);
        var explicitB = map.ToDictionary(p => p.A, p => b.Tasks.First(t => t.Id == p.B), StringComparer.Ordinal);
        var pairs = new List<(TaskAggregate, TaskAggregate)>();
        foreach (var task in a.Tasks)
        {
            if (mappedA.Contains(task.Id))
            {
                pairs.Add((task, explicitB[task.Id]));
            }
            else if (byIdB.TryGetValue(task.Id, out var match))
            {
                pairs.Add((task, match));
            }
        }

        return pairs;
    }

    // The raw statistics of a scope, before the adjustment across tasks.
    private sealed class Statistics(double detectableDifference, AggregationOptions options)
    {
        public ScopeComparison Scope(AggregateStats a, AggregateStats b)
        {
            var flags = new SortedDictionary<string, RateComparison>(StringComparer.Ordinal);
            foreach (var name in a.Flagged.Keys.Where(b.Flagged.ContainsKey))
            {
                flags[name] = Rate(a.Flagged[name], Judged(a), b.Flagged[name], Judged(b));
            }

            return new ScopeComparison { Pass = Rate(a.Passed, Judged(a), b.Passed, Judged(b)), Flags = flags };
        }

        // The pooled counts of every pair; a flag counts in the pairs that define it on both sides. One test each: not adjusted.
        public ScopeComparison Overall(IReadOnlyList<(TaskAggregate A, TaskAggregate B)> pairs)
        {
            var pass = Rate(pairs.Sum(p => p.A.Passed), pairs.Sum(p => Judged(p.A)), pairs.Sum(p => p.B.Passed), pairs.Sum(p => Judged(p.B)));
            var flags = new SortedDictionary<string, RateComparison>(StringComparer.Ordinal);
            foreach (var name in pairs.SelectMany(p => p.A.Flagged.Keys.Where(p.B.Flagged.ContainsKey)).Distinct(StringComparer.Ordinal))
            {
                var both = pairs.Where(p => p.A.Flagged.ContainsKey(name) && p.B.Flagged.ContainsKey(name)).ToList();
                var raw = Rate(both.Sum(p => p.A.Flagged[name]), both.Sum(p => Judged(p.A)), both.Sum(p => p.B.Flagged[name]), both.Sum(p => Judged(p.B)));
                flags[name] = Judge(raw, raw.PValue);
            }

            return new ScopeComparison { Pass = Judge(pass, pass.PValue), Flags = flags };
        }

        // Raw p-values are exact until here: the adjustment must not compound rounding.
        public RateComparison Judge(RateComparison raw, double? adjusted)
        {
            var judgedA = raw.A?.Total ?? 0;
            var judgedB = raw.B?.Total ?? 0;
            return raw with { PValue = Round(raw.PValue), AdjustedPValue = Round(adjusted), Verdict = Verdict(raw.Difference, adjusted, judgedA, judgedB) };
        }

        private RateComparison Rate(int a, int nA, int b, int nB)
        {
            int? needed = nA + nB == 0 ? null : SampleSize.ToDetect((double)(a + b) / (nA + nB), detectableDifference);
            return new RateComparison(
                RateEstimate.Wilson(a, nA, options.WilsonZ, options.Decimals),
                RateEstimate.Wilson(b, nB, options.WilsonZ, options.Decimals),
                DifferenceInterval.Newcombe(a, nA, b, nB, options.WilsonZ, options.Decimals),
                FisherExact.TwoSided(a, nA, b, nB),
                null,
                string.Empty,
                needed);
        }

        // Rounded once, after Holm has used the exact values.
        private double? Round(double? p) => p is { } value ? Math.Round(value, options.Decimals) : null;

        private static int Judged(AggregateStats stats) => stats.Passed + stats.Failed;
    }
}
