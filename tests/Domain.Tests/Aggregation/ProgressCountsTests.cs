using System.Text.Json;
using CsCheck;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Judging;

namespace Orchestration.Domain.Tests.Aggregation;

public sealed class ProgressCountsTests
{
    private static readonly Gen<(int Ordinal, RunOutcome Outcome, bool Flagged)> Finished =
        Gen.Select(Gen.Int[0, 5], Gen.Enum<RunOutcome>(), Gen.Bool);

    // Some counts carry a capped batch's spend and budget stop, so the monoid laws cover those fields too.
    private static readonly Gen<ProgressCounts> Counts =
        Gen.Select(Finished.Array[0, 12], Gen.Int[0, 3], Gen.Int[0, 2]).Select((runs, spent, stop) =>
            runs.Aggregate(ProgressCounts.Empty, (c, r) => c.Add(r.Ordinal, r.Outcome, r.Flagged)) with
            {
                SpentUsd = spent == 0 ? null : spent * 0.25m,
                BudgetStop = stop == 0 ? null : $"stop {stop}",
            });

    [Fact]
    public void Merge_AnyThreeCounts_Associative()
    {
        Gen.Select(Counts, Counts, Counts).Sample((a, b, c) =>
        {
            // Act
            var left = a.Merge(b).Merge(c);
            var right = a.Merge(b.Merge(c));

            // Assert
            Assert.Equal(left, right);
            Assert.Equal(Json(left), Json(right));
        }, iter: 300);
    }

    [Fact]
    public void Merge_AnyTwoCounts_Commutative()
    {
        Gen.Select(Counts, Counts).Sample((a, b) =>
        {
            // Act + Assert
            Assert.Equal(Json(a.Merge(b)), Json(b.Merge(a)));
        }, iter: 300);
    }

    [Fact]
    public void Merge_Empty_IsIdentity()
    {
        Counts.Sample(a =>
        {
            // Act + Assert
            Assert.Equal(Json(a), Json(a.Merge(ProgressCounts.Empty)));
            Assert.Equal(Json(a), Json(ProgressCounts.Empty.Merge(a)));
        }, iter: 200);
    }

    [Fact]
    public void Add_RunsInAnyOrder_SameCounts()
    {
        Finished.Array[0, 30].SelectMany(runs => Gen.Shuffle(runs.ToArray()).Select(shuffled => (runs, shuffled))).Sample(pair =>
        {
            // Act
            var first = pair.runs.Aggregate(ProgressCounts.ForTasks(6), (c, r) => c.Add(r.Ordinal, r.Outcome, r.Flagged));
            var second = pair.shuffled.Aggregate(ProgressCounts.ForTasks(6), (c, r) => c.Add(r.Ordinal, r.Outcome, r.Flagged));

            // Assert
            Assert.Equal(Json(first), Json(second));
            Assert.Equal(pair.runs.Length, first.Runs);
            Assert.Equal(first.Runs, first.TaskRuns.Sum());
        }, iter: 200);
    }

    [Fact]
    public void Add_SeveralRuns_TotalsAndTaskArraysCount()
    {
        // Act
        var counts = ProgressCounts.ForTasks(3)
            .Add(2, RunOutcome.Passed, flagged: true)
            .Add(2, RunOutcome.Failed, flagged: false)
            .Add(0, RunOutcome.TimedOut, flagged: true);

        // Assert
        Assert.Equal((3, 1, 1, 0, 1, 0, 2), (counts.Runs, counts.Passed, counts.Failed, counts.Errored, counts.TimedOut, counts.Cancelled, counts.Flagged));
        Assert.Equal(new TaskProgress(2, 1, 1, 0, 0, 0, 1), counts.ForTask(2));
        Assert.Equal(new TaskProgress(1, 0, 0, 0, 1, 0, 1), counts.ForTask(0));
        Assert.Equal(new TaskProgress(0, 0, 0, 0, 0, 0, 0), counts.ForTask(1));
        Assert.Equal(new TaskProgress(0, 0, 0, 0, 0, 0, 0), counts.ForTask(99));
        Assert.Equal([1, 0, 2], counts.TaskRuns);
    }

    [Fact]
    public void Equals_TrailingZeros_Equal()
    {
        // Act + Assert
        Assert.Equal(ProgressCounts.ForTasks(5).Add(1, RunOutcome.Passed, false), ProgressCounts.Empty.Add(1, RunOutcome.Passed, false));
        Assert.NotEqual(ProgressCounts.Empty.Add(1, RunOutcome.Passed, false), ProgressCounts.Empty.Add(2, RunOutcome.Passed, false));
    }

    [Theory]
    [InlineData(700, 250, 20, 15, 15, 400)]
    [InlineData(200, 200, 200, 200, 200, 1000)]
    [InlineData(1000, 0, 0, 0, 0, 1000)]
    public void Json_200TasksOf1000Runs_Under8000Characters(int passed, int failed, int errored, int timedOut, int cancelled, int flagged)
    {
        // Arrange
        var counts = ProgressCounts.Empty;
        for (var task = 0; task < 200; task++)
        {
            counts = counts.Merge(TaskCounts(task, passed, failed, errored, timedOut, cancelled, flagged));
        }

        // Act
        var json = Json(counts);

        // Assert
        Assert.Equal(200_000, counts.Runs);
        Assert.True(json.Length < 8_000, $"custom status is {json.Length} characters");
    }

    [Fact]
    public void Merge_CappedChunks_SumTheirSpendAndKeepTheStop()
    {
        // Arrange: an uncapped chunk's counts carry neither field.
        var first = ProgressCounts.ForTasks(1).Add(0, RunOutcome.Passed, false) with { SpentUsd = 1.25m };
        var second = ProgressCounts.ForTasks(1).Add(0, RunOutcome.Failed, false) with { SpentUsd = 0.5m, BudgetStop = "Stopped by the cost cap." };

        // Act
        var merged = first.Merge(second);
        var uncapped = ProgressCounts.ForTasks(1).Add(0, RunOutcome.Passed, false).Merge(ProgressCounts.Empty);

        // Assert
        Assert.Equal((2, 1.75m, "Stopped by the cost cap."), (merged.Runs, merged.SpentUsd, merged.BudgetStop));
        Assert.Equal((null, null), (uncapped.SpentUsd, uncapped.BudgetStop));
        Assert.DoesNotContain("spentUsd", Json(uncapped), StringComparison.Ordinal);
        Assert.DoesNotContain("budgetStop", Json(uncapped), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_RoundTrip_EqualCounts()
    {
        // Arrange
        var counts = ProgressCounts.ForTasks(4).Add(3, RunOutcome.Errored, true).Add(1, RunOutcome.Cancelled, false);

        // Act
        var copy = JsonSerializer.Deserialize<ProgressCounts>(Json(counts), BatchJson.Options);

        // Assert
        Assert.Equal(counts, copy);
    }

    private static ProgressCounts TaskCounts(int task, int passed, int failed, int errored, int timedOut, int cancelled, int flagged)
    {
        int[] At(int value)
        {
            var array = new int[task + 1];
            array[task] = value;
            return array;
        }

        var runs = passed + failed + errored + timedOut + cancelled;
        return new ProgressCounts
        {
            Runs = runs,
            Passed = passed,
            Failed = failed,
            Errored = errored,
            TimedOut = timedOut,
            Cancelled = cancelled,
            Flagged = flagged,
            TaskRuns = At(runs),
            TaskPassed = At(passed),
            TaskFailed = At(failed),
            TaskErrored = At(errored),
            TaskTimedOut = At(timedOut),
            TaskCancelled = At(cancelled),
            TaskFlagged = At(flagged),
        };
    }

    private static string Json(ProgressCounts counts) => JsonSerializer.Serialize(counts, BatchJson.Options);
}
