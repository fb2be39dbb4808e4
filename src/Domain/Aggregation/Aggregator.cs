namespace Orchestration.Domain.Aggregation;

/// <summary>Computes a batch's aggregate from its plan and its run records.</summary>
/// <remarks>Order-independent: records are sorted by (task ordinal, run index) before anything is
/// summed, so the same results in any arrival order give an identical aggregate.</remarks>
public static class Aggregator
{
    /// <summary>Aggregates <paramref name="runs"/> against <paramref name="plan"/>.</summary>
    /// <param name="plan">Planned tasks and run counts.</param>
    /// <param name="runs">One record per finished run, any order.</param>
    /// <param name="options">Prices and rounding; <see cref="AggregationOptions.Default"/> when null.</param>
    /// <returns>The aggregate; runs planned but not reported count as cancelled, or as skipped when the plan says so.</returns>
    /// <exception cref="ArgumentException">A record names a task or run index outside the plan, or the
    /// same run twice: the result store keys rows by run, so either means a caller bug.</exception>
    public static BatchAggregate Compute(AggregatePlan plan, IEnumerable<RunRecord> runs, AggregationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(runs);
        options ??= AggregationOptions.Default;

        var planned = plan.Tasks.OrderBy(task => task.Ordinal).ToArray();
        var byTask = Group(planned, runs);
        var accumulators = planned.Select(task => Accumulate(task, byTask[task.Ordinal], plan.UnreportedSkipped)).ToArray();
        var tasks = planned
            .Select((task, i) => accumulators[i].Build(
                new TaskAggregate { Ordinal = task.Ordinal, Id = task.Id },
                _ => accumulators[i].Judged,
                options))
            .ToArray();
        return new BatchAggregate { Tasks = tasks, Total = Total(planned, byTask, accumulators, plan.UnreportedSkipped, options) };
    }

    private static Dictionary<int, List<RunRecord>> Group(PlannedTask[] planned, IEnumerable<RunRecord> runs)
    {
        var byTask = planned.ToDictionary(task => task.Ordinal, _ => new List<RunRecord>());
        var sizes = planned.ToDictionary(task => task.Ordinal, task => task.Runs);
        var seen = new HashSet<(int, int)>();
        foreach (var run in runs)
        {
            if (!sizes.TryGetValue(run.TaskOrdinal, out var size) || run.RunIndex < 0 || run.RunIndex >= size)
            {
                throw new ArgumentException($"run t{run.TaskOrdinal}:r{run.RunIndex} is not in the plan", nameof(runs));
            }

            if (!seen.Add((run.TaskOrdinal, run.RunIndex)))
            {
                throw new ArgumentException($"run t{run.TaskOrdinal}:r{run.RunIndex} is reported twice", nameof(runs));
            }

            byTask[run.TaskOrdinal].Add(run);
        }

        foreach (var list in byTask.Values)
        {
            list.Sort((a, b) => a.RunIndex.CompareTo(b.RunIndex));
        }

        return byTask;
    }

    private static StatsAccumulator Accumulate(PlannedTask task, List<RunRecord> runs, bool skipped)
    {
        var accumulator = new StatsAccumulator();
        accumulator.DefineFlags(task.FlagNames);
        runs.ForEach(run => Add(accumulator, run));
        accumulator.AddNeverReported(task.Runs - runs.Count, skipped);
        return accumulator;
    }

    private static void Add(StatsAccumulator accumulator, RunRecord run)
    {
        if (run.NotRejudgeable)
        {
            accumulator.AddNotRejudgeable(run);
        }
        else
        {
            accumulator.Add(run);
        }
    }

    private static AggregateStats Total(
        PlannedTask[] planned, Dictionary<int, List<RunRecord>> byTask, StatsAccumulator[] tasks, bool skipped, AggregationOptions options)
    {
        var total = new StatsAccumulator();
        for (var i = 0; i < planned.Length; i++)
        {
            total.DefineFlags(tasks[i].Flagged.Keys);
            byTask[planned[i].Ordinal].ForEach(run => Add(total, run));
            total.AddNeverReported(planned[i].Runs - byTask[planned[i].Ordinal].Count, skipped);
        }

        int Denominator(string name) => tasks.Where(task => task.Flagged.ContainsKey(name)).Sum(task => task.Judged);
        return total.Build(new AggregateStats(), Denominator, options);
    }
}
