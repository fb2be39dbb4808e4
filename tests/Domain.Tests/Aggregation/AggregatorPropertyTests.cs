using System.Text.Json;
using CsCheck;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Judging;

namespace Orchestration.Domain.Tests.Aggregation;

public sealed class AggregatorPropertyTests
{
    private static readonly string[] FlagNames = ["a", "b", "c"];

    private static readonly Gen<(bool Reported, RunOutcome Outcome, int FlagMask, int DurationMs, int Attempts, int CostMicros)> Payload =
        Gen.Select(Gen.Int[0, 3], Gen.Enum<RunOutcome>(), Gen.Int[0, 7], Gen.Int[-1, 3_600_000], Gen.Int[0, 5], Gen.Int[-1, 2_000_000],
            (reported, outcome, mask, ms, attempts, cost) => (reported > 0, outcome, mask, ms, attempts, cost));

    private static readonly Gen<(AggregatePlan Plan, RunRecord[] Runs, RunRecord[] Shuffled)> Scenario =
        Gen.Int[1, 6].Array[1, 4].SelectMany(sizes => Payload.Array[sizes.Sum()].SelectMany(payloads =>
        {
            var plan = new AggregatePlan(sizes.Select((n, t) => new PlannedTask(t, $"t{t}", n, FlagNames[..(t % 3)])).ToArray());
            var slots = sizes.SelectMany((n, t) => Enumerable.Range(0, n).Select(i => (t, i))).ToArray();
            var runs = slots.Zip(payloads).Where(pair => pair.Second.Reported).Select(pair => Record(pair.First, pair.Second)).ToArray();
            return Gen.Shuffle(runs.ToArray()).Select(shuffled => (plan, runs, shuffled));
        }));

    [Fact]
    public void Compute_SameResultsInAnyOrder_IdenticalAggregateJson()
    {
        Scenario.Sample(scenario =>
        {
            // Act
            var inOrder = Serialize(Aggregator.Compute(scenario.Plan, scenario.Runs));
            var shuffled = Serialize(Aggregator.Compute(scenario.Plan, scenario.Shuffled));

            // Assert
            Assert.Equal(inOrder, shuffled);
        }, iter: 300);
    }

    [Fact]
    public void Compute_AnyResults_OutcomesAddUpToThePlan()
    {
        Scenario.Sample(scenario =>
        {
            // Act
            var total = Aggregator.Compute(scenario.Plan, scenario.Shuffled).Total;

            // Assert
            Assert.Equal(scenario.Plan.Tasks.Sum(task => task.Runs), total.Runs);
            Assert.Equal(total.Runs, total.Passed + total.Failed + total.Errored + total.TimedOut + total.Cancelled);
            Assert.All(total.FlagRates.Values, rate => Assert.True(rate is null || (rate.Lower <= rate.Rate && rate.Rate <= rate.Upper)));
        }, iter: 200);
    }

    private static RunRecord Record((int Task, int Index) slot, (bool Reported, RunOutcome Outcome, int FlagMask, int DurationMs, int Attempts, int CostMicros) p)
    {
        double? seconds = p.DurationMs < 0 ? null : p.DurationMs / 1000.0;
        var flags = FlagNames.Where((_, bit) => (p.FlagMask & (1 << bit)) != 0).ToArray();
        var usage = CloudRunUsage.For(new Profile("i", "2", "4Gi", new Dictionary<string, string>()), seconds ?? 0);
        decimal? cost = p.CostMicros < 0 ? null : p.CostMicros / 1_000_000m;
        return new RunRecord(slot.Task, slot.Index, p.Outcome, flags, seconds, p.Attempts, usage.VcpuSeconds, usage.GibSeconds, cost);
    }

    private static string Serialize(BatchAggregate aggregate) => JsonSerializer.Serialize(aggregate, BatchJson.Options);
}
