using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Comparison;

namespace Orchestration.Domain.Tests.Comparison;

public sealed class BatchComparerTests
{
    private static readonly BatchAggregate A = Aggregate(
        Task("fix-bug", passed: 3, failed: 7, ("unsafe", 4)),
        Task("write-docs", passed: 9, failed: 1),
        Task("old-only", passed: 1, failed: 1));

    private static readonly BatchAggregate B = Aggregate(
        Task("fix-bug", passed: 9, failed: 1, ("unsafe", 0), ("slow", 2)),
        Task("write-docs", passed: 9, failed: 1),
        Task("new-only", passed: 2, failed: 0));

    [Fact]
    public void TryCompare_SameIds_MatchedTasksWithUnmatchedListed()
    {
        // Act
        var comparison = Compare(A, B, []);

        // Assert
        Assert.Equal(["fix-bug", "write-docs"], comparison.Tasks.Select(t => t.TaskA));
        Assert.Equal(["old-only"], comparison.UnmatchedA);
        Assert.Equal(["new-only"], comparison.UnmatchedB);
        var fix = comparison.Tasks[0];
        Assert.Equal((3, 10, 9, 10), (fix.Pass.A!.Count, fix.Pass.A.Total, fix.Pass.B!.Count, fix.Pass.B.Total));
        Assert.Equal(0.6, fix.Pass.Difference!.Difference);
        Assert.Equal(["unsafe"], fix.Flags.Keys); // "slow" is only in B
    }

    [Fact]
    public void TryCompare_TwoTasks_HolmAdjustsAcrossTasksAndVerdictFollowsTheRule()
    {
        // Act
        var comparison = Compare(A, B, []);
        var fix = comparison.Tasks[0].Pass;
        var docs = comparison.Tasks[1].Pass;

        // Assert: 3/10 vs 9/10 has Fisher p = 0.019767 (SciPy 1.10.1); Holm over two tasks doubles the smaller one.
        Assert.Equal(0.019767, fix.PValue);
        Assert.Equal(1.0, docs.PValue);
        Assert.Equal(0.039533, fix.AdjustedPValue);
        Assert.Equal(1.0, docs.AdjustedPValue);
        Assert.True(fix.Difference!.Lower > 0);
        Assert.Equal("B higher", fix.Verdict);
        Assert.Equal("no detectable difference at n=10/10", docs.Verdict);
        Assert.Equal("no detectable difference at n=10/10", comparison.Tasks[0].Flags["unsafe"].Verdict);
    }

    [Fact]
    public void TryCompare_Overall_PoolsMatchedTasksOnly()
    {
        // Act
        var overall = Compare(A, B, []).Overall;

        // Assert: 12/20 against 18/20, unmatched tasks left out; one test, so the p-value is not adjusted.
        Assert.Equal((12, 20, 18, 20), (overall.Pass.A!.Count, overall.Pass.A.Total, overall.Pass.B!.Count, overall.Pass.B.Total));
        Assert.Equal(overall.Pass.PValue, overall.Pass.AdjustedPValue);
        Assert.Equal((4, 10, 0, 10), (overall.Flags["unsafe"].A!.Count, overall.Flags["unsafe"].A!.Total, overall.Flags["unsafe"].B!.Count, overall.Flags["unsafe"].B!.Total));
    }

    [Fact]
    public void TryCompare_ExplicitMap_PairsNamedTasksAndMatchesTheRestById()
    {
        // Act
        var comparison = Compare(A, B, [new TaskPair("old-only", "new-only")]);

        // Assert
        Assert.Equal([("fix-bug", "fix-bug"), ("write-docs", "write-docs"), ("old-only", "new-only")], comparison.Tasks.Select(t => (t.TaskA, t.TaskB)));
        Assert.Empty(comparison.UnmatchedA);
        Assert.Empty(comparison.UnmatchedB);
    }

    [Fact]
    public void TryCompare_MapNamesAnUnknownTask_Refused()
    {
        var comparison = BatchComparer.TryCompare("a", A, "b", B, [new TaskPair("fix-bug", "nope")], 0.1, AggregationOptions.Default, out var problem);

        Assert.Null(comparison);
        Assert.Equal("Task 'nope' is not in batch 'b'.", problem);
    }

    [Fact]
    public void TryCompare_DetectableDifference_RunsNeededAtThePooledRate()
    {
        // write-docs pools to 18/20 = 0.9: rates 0.85 and 0.95 for a difference of 0.1.
        var docs = Compare(A, B, []).Tasks[1].Pass;

        Assert.Equal((int)Math.Ceiling(SampleSize.PerArm(0.85, 0.95, SampleSize.ZAlpha05TwoSided, SampleSize.ZPower80)), docs.RunsNeeded);
    }

    [Theory]
    [InlineData("a:b, c:d", true, null)]
    [InlineData("", true, null)]
    [InlineData("a", false, "'a' is not taskA:taskB.")]
    [InlineData("a:b:c", false, "'a:b:c' is not taskA:taskB.")]
    [InlineData("a:b,a:c", false, "'a:c' maps a task that is already mapped.")]
    [InlineData("a:b,c:b", false, "'c:b' maps a task that is already mapped.")]
    public void TryParseList_Mappings_ParsedOrRefusedWithTheEntry(string text, bool ok, string? problem)
    {
        Assert.Equal(ok, TaskPair.TryParseList(text, out var pairs, out var why));
        Assert.Equal(problem, why);
        if (ok && text.Length > 0)
        {
            Assert.Equal([new TaskPair("a", "b"), new TaskPair("c", "d")], pairs);
        }
    }

    private static BatchComparison Compare(BatchAggregate a, BatchAggregate b, IReadOnlyList<TaskPair> map) =>
        BatchComparer.TryCompare("a", a, "b", b, map, 0.1, AggregationOptions.Default, out _)!;

    private static BatchAggregate Aggregate(params TaskAggregate[] tasks) => new()
    {
        Tasks = [.. tasks.Select((t, i) => t with { Ordinal = i })],
        Total = new AggregateStats(),
    };

    private static TaskAggregate Task(string id, int passed, int failed, params (string Name, int Count)[] flags) => new()
    {
        Id = id,
        Runs = passed + failed,
        Passed = passed,
        Failed = failed,
        Flagged = new SortedDictionary<string, int>(flags.ToDictionary(f => f.Name, f => f.Count), StringComparer.Ordinal),
    };
}
