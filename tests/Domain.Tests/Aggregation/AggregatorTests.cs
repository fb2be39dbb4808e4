using System.Text.Json;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Judging;

namespace Orchestration.Domain.Tests.Aggregation;

public sealed class AggregatorTests
{
    private static readonly AggregatePlan Plan = new(
    [
        new PlannedTask(0, "review", 5, ["verdict", "vuln"]),
        new PlannedTask(1, "tests", 3, []),
    ]);

    private static RunRecord Run(int task, int index, RunOutcome outcome, double? seconds, int attempts, string[]? flags = null, decimal? claude = null) =>
        new(task, index, outcome, flags ?? [], seconds, attempts, (decimal)(seconds ?? 0), 2 * (decimal)(seconds ?? 0), claude);

    private static readonly RunRecord[] Runs =
    [
        Run(0, 0, RunOutcome.Passed, 10, 1, ["vuln"], 0.25m),
        Run(0, 1, RunOutcome.Failed, 20, 2, [], 0.5m),
        Run(0, 2, RunOutcome.Errored, null, 3),
        Run(0, 3, RunOutcome.TimedOut, 600, 1, ["vuln"], 1m),
        Run(1, 0, RunOutcome.Passed, 5, 1),
        Run(1, 1, RunOutcome.Passed, 7, 1),
        Run(1, 2, RunOutcome.Cancelled, 3, 1),
    ];

    [Fact]
    public void Compute_MixedOutcomes_CountsEveryOutcomeAndUnreportedAsCancelled()
    {
        // Act
        var task = Aggregator.Compute(Plan, Runs).Tasks[0];

        // Assert
        Assert.Equal((0, "review"), (task.Ordinal, task.Id));
        Assert.Equal((5, 1, 1, 1, 1, 1), (task.Runs, task.Passed, task.Failed, task.Errored, task.TimedOut, task.Cancelled));
        Assert.Equal(new Dictionary<string, int> { ["verdict"] = 0, ["vuln"] = 2 }, task.Flagged);
    }

    [Fact]
    public void Compute_UnreportedSkipped_CountsThemSkippedNotCancelled_AndLeavesRatesAlone()
    {
        // Arrange: the same runs, in a batch its cost cap stopped.
        var plan = Plan with { UnreportedSkipped = true };

        // Act
        var stopped = Aggregator.Compute(plan, Runs);
        var cancelled = Aggregator.Compute(Plan, Runs);

        // Assert: task 0 has one unreported run; the reported cancelled run of task 1 stays cancelled.
        var task = stopped.Tasks[0];
        Assert.Equal((5, 1, 1, 1, 1, 0, 1), (task.Runs, task.Passed, task.Failed, task.Errored, task.TimedOut, task.Cancelled, task.Skipped));
        Assert.Equal((3, 1, 0), (stopped.Tasks[1].Runs, stopped.Tasks[1].Cancelled, stopped.Tasks[1].Skipped));
        Assert.Equal((8, 1, 1), (stopped.Total.Runs, stopped.Total.Cancelled, stopped.Total.Skipped));
        Assert.Equal(cancelled.Tasks[0].PassRate, task.PassRate);
        Assert.Equal(cancelled.Total.PassRate, stopped.Total.PassRate);
        Assert.Equal(cancelled.Total.Cost, stopped.Total.Cost);
        Assert.Equal((2, 0), (cancelled.Total.Cancelled, cancelled.Total.Skipped));
    }

    [Fact]
    public void Compute_AggregateJson_HasSkippedBesideCancelled()
    {
        var json = JsonSerializer.Serialize(Aggregator.Compute(Plan with { UnreportedSkipped = true }, Runs), BatchJson.Options);

        using var document = JsonDocument.Parse(json);
        Assert.Equal(1, document.RootElement.GetProperty("total").GetProperty("skipped").GetInt32());
        Assert.Equal(0, document.RootElement.GetProperty("tasks")[1].GetProperty("skipped").GetInt32());
    }

    [Fact]
    public void Compute_Rates_UsePassedPlusFailedAndJudgedFlagsOnly()
    {
        // Act
        var task = Aggregator.Compute(Plan, Runs).Tasks[0];

        // Assert: the timed-out flagged run is counted in Flagged but not in the rate.
        Assert.Equal((1, 2, 0.5), (task.PassRate!.Count, task.PassRate.Total, task.PassRate.Rate));
        Assert.Equal((1, 2), (task.FlagRates["vuln"]!.Count, task.FlagRates["vuln"]!.Total));
        Assert.Equal((0, 2), (task.FlagRates["verdict"]!.Count, task.FlagRates["verdict"]!.Total));
        Assert.Equal(0.094531, task.PassRate.Lower, 6);
    }

    [Fact]
    public void Compute_DurationsAttemptsAndCost_FromRunsThatRan()
    {
        // Act
        var task = Aggregator.Compute(Plan, Runs).Tasks[0];

        // Assert
        Assert.Equal(new DurationSummary(3, 20, 600), task.Duration);
        Assert.Equal((7, 3), (task.Attempts, task.Retries));
        Assert.Equal(new CostSummary(630m, 1260m, 0.01386m, 1.75m, 1.76386m), task.Cost);
    }

    [Fact]
    public void Compute_BatchTotal_SumsTasksAndFlagDenominatorOnlyFromTasksDefiningTheFlag()
    {
        // Act
        var total = Aggregator.Compute(Plan, Runs).Total;

        // Assert
        Assert.Equal((8, 3, 1, 1, 1, 2), (total.Runs, total.Passed, total.Failed, total.Errored, total.TimedOut, total.Cancelled));
        Assert.Equal((3, 4), (total.PassRate!.Count, total.PassRate.Total));
        Assert.Equal((1, 2), (total.FlagRates["vuln"]!.Count, total.FlagRates["vuln"]!.Total));
        Assert.Equal(new DurationSummary(6, 7, 600), total.Duration);
        Assert.Equal((10, 3), (total.Attempts, total.Retries));
    }

    [Fact]
    public void Compute_NothingReported_AllCancelledAndRatesNull()
    {
        // Act
        var aggregate = Aggregator.Compute(Plan, []);

        // Assert
        Assert.Equal((8, 8), (aggregate.Total.Runs, aggregate.Total.Cancelled));
        Assert.Null(aggregate.Total.PassRate);
        Assert.Null(aggregate.Tasks[0].FlagRates["vuln"]);
        Assert.Null(aggregate.Total.Duration);
        Assert.Equal(0m, aggregate.Total.Cost.TotalUsd);
    }

    [Fact]
    public void Compute_FlagNotInPlan_StillCounted()
    {
        // Act
        var task = Aggregator.Compute(Plan, [Run(1, 0, RunOutcome.Failed, 1, 1, ["surprise"])]).Tasks[1];

        // Assert
        Assert.Equal(1, task.Flagged["surprise"]);
        Assert.Equal((1, 1), (task.FlagRates["surprise"]!.Count, task.FlagRates["surprise"]!.Total));
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(0, 5)]
    [InlineData(0, -1)]
    public void Compute_RunOutsidePlan_Throws(int task, int index)
    {
        // Act + Assert
        var error = Assert.Throws<ArgumentException>(() => Aggregator.Compute(Plan, [Run(task, index, RunOutcome.Passed, 1, 1)]));
        Assert.Contains("is not in the plan", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_SameRunTwice_Throws()
    {
        // Act + Assert
        var error = Assert.Throws<ArgumentException>(() => Aggregator.Compute(Plan, [Runs[0], Runs[0]]));
        Assert.Contains("reported twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_Serialized_UsesCamelCaseAndTaskFields()
    {
        // Act
        var json = JsonSerializer.Serialize(Aggregator.Compute(Plan, Runs), BatchJson.Options);

        // Assert
        using var document = JsonDocument.Parse(json);
        var task = document.RootElement.GetProperty("tasks")[0];
        Assert.Equal("review", task.GetProperty("id").GetString());
        Assert.Equal(2, task.GetProperty("flagged").GetProperty("vuln").GetInt32());
        Assert.Equal(0.5, task.GetProperty("passRate").GetProperty("rate").GetDouble());
        Assert.Equal(1.76419m, document.RootElement.GetProperty("total").GetProperty("cost").GetProperty("totalUsd").GetDecimal());
    }

    [Fact]
    public void Compute_JsonRoundTrip_SameJson()
    {
        // Arrange
        var json = JsonSerializer.Serialize(Aggregator.Compute(Plan, Runs), BatchJson.Options);

        // Act
        var copy = JsonSerializer.Deserialize<BatchAggregate>(json, BatchJson.Options);

        // Assert
        Assert.Equal(json, JsonSerializer.Serialize(copy, BatchJson.Options));
    }

    [Fact]
    public void FromBatch_Tasks_PlanHasRunsAndSortedFlagNames()
    {
        // Arrange
        var flags = new Dictionary<string, Documents.FlagRule> { ["b"] = new() { Contains = "x" }, ["a"] = new() { Contains = "y" } };
        var batch = new Batch
        {
            Id = "b1",
            Labels = new Dictionary<string, string>(),
            MaxParallelRuns = 50,
            Tasks = [Judging.TaskFactory.Command(flags) with { Ordinal = 0, Id = "t0", N = 7 }],
        };

        // Act
        var plan = AggregatePlan.FromBatch(batch);

        // Assert
        var task = Assert.Single(plan.Tasks);
        Assert.Equal((0, "t0", 7), (task.Ordinal, task.Id, task.Runs));
        Assert.Equal(["a", "b"], task.FlagNames);
    }
}
