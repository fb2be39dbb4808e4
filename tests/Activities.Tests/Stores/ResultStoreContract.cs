using System.Text;
using Orchestration.Activities.Stores;
using Orchestration.Domain.Judging;

namespace Orchestration.Activities.Tests.Stores;

/// <summary>The behaviour every result store adapter must show.</summary>
public abstract class ResultStoreContract
{
    protected abstract IResultStore Store { get; }

    private static RunRow Row(int ordinal, int index, RunOutcome outcome = RunOutcome.Passed, params string[] flags) => new()
    {
        BatchId = "b1",
        TaskOrdinal = ordinal,
        TaskId = "task" + ordinal,
        RunIndex = index,
        Outcome = outcome,
        Flags = flags,
        Attempts = 1,
        ExitCode = outcome == RunOutcome.Passed ? 0 : 1,
        DurationSeconds = 1.5,
        VcpuSeconds = 1.5m,
        GibSeconds = 3m,
        Execution = $"job-{ordinal}-{index}",
        AttemptLog = [new AttemptRow(1, $"job-{ordinal}-{index}", "passed", null)],
    };

    [Fact]
    public async Task UpsertRun_SameRunTwice_OneRowWithLatestContent()
    {
        await Store.UpsertRunAsync(Row(0, 0, RunOutcome.Errored));
        await Store.UpsertRunAsync(Row(0, 0, RunOutcome.Passed, "vuln") with { Attempts = 2 });

        var page = await Store.QueryRunsAsync(new RunQuery("b1"));
        var single = await Store.GetRunAsync("b1", 0, 0);

        var row = Assert.Single(page.Items);
        Assert.Equal(RunOutcome.Passed, row.Outcome);
        Assert.Equal(2, row.Attempts);
        Assert.Equal(["vuln"], row.Flags);
        Assert.Equal(row.Execution, single!.Execution);
        Assert.Equal(1.5m, single.VcpuSeconds);
        Assert.Equal("passed", single.AttemptLog[0].Result);
    }

    [Fact]
    public async Task QueryRuns_Paging_OrderedByTaskThenIndexAndComplete()
    {
        for (var ordinal = 0; ordinal < 3; ordinal++)
        {
            for (var index = 11; index >= 0; index--)
            {
                await Store.UpsertRunAsync(Row(ordinal, index));
            }
        }

        var keys = new List<(int, int)>();
        string? token = null;
        do
        {
            var page = await Store.QueryRunsAsync(new RunQuery("b1", PageSize: 5, ContinuationToken: token));
            Assert.True(page.Items.Count <= 5);
            keys.AddRange(page.Items.Select(r => (r.TaskOrdinal, r.RunIndex)));
            token = page.ContinuationToken;
        }
        while (token is not null);

        var expected = Enumerable.Range(0, 3).SelectMany(o => Enumerable.Range(0, 12).Select(i => (o, i))).ToList();
        Assert.Equal(expected, keys);
    }

    [Fact]
    public async Task QueryRuns_Filters_TaskOutcomeAndFlag()
    {
        await Store.UpsertRunAsync(Row(0, 0, RunOutcome.Passed, "vuln"));
        await Store.UpsertRunAsync(Row(0, 1, RunOutcome.Failed, "vuln", "verdict"));
        await Store.UpsertRunAsync(Row(0, 2, RunOutcome.Failed));
        await Store.UpsertRunAsync(Row(1, 0, RunOutcome.Failed, "vulnerable"));
        await Store.UpsertRunAsync(Row(1, 1, RunOutcome.TimedOut, "vuln"));

        var failed = await Store.QueryRunsAsync(new RunQuery("b1", Outcome: RunOutcome.Failed));
        var vuln = await Store.QueryRunsAsync(new RunQuery("b1", Flag: "vuln"));
        var task1 = await Store.QueryRunsAsync(new RunQuery("b1", TaskOrdinal: 1));
        var timedOutVuln = await Store.QueryRunsAsync(new RunQuery("b1", Outcome: RunOutcome.TimedOut, Flag: "vuln"));

        Assert.Equal([(0, 1), (0, 2), (1, 0)], failed.Items.Select(r => (r.TaskOrdinal, r.RunIndex)));
        Assert.Equal([(0, 0), (0, 1), (1, 1)], vuln.Items.Select(r => (r.TaskOrdinal, r.RunIndex)));
        Assert.Equal([0, 1], task1.Items.Select(r => r.RunIndex));
        Assert.Equal([(1, 1)], timedOutVuln.Items.Select(r => (r.TaskOrdinal, r.RunIndex)));
    }

    [Fact]
    public async Task QueryRuns_OtherBatch_NotVisible()
    {
        await Store.UpsertRunAsync(Row(0, 0));
        await Store.UpsertRunAsync(Row(0, 0) with { BatchId = "b2" });

        var page = await Store.QueryRunsAsync(new RunQuery("b2"));

        Assert.Equal("b2", Assert.Single(page.Items).BatchId);
    }

    [Fact]
    public async Task Aggregate_PutGetReplace()
    {
        Assert.Null(await Store.GetAggregateAsync("b1"));

        await Store.PutAggregateAsync("b1", Encoding.UTF8.GetBytes("{\"v\":1}"));
        await Store.PutAggregateAsync("b1", Encoding.UTF8.GetBytes("{\"v\":2}"));
        var read = await Store.GetAggregateAsync("b1");

        Assert.Equal("{\"v\":2}", Encoding.UTF8.GetString(read!.Value.Span));
    }

    [Fact]
    public async Task AggregateVersions_FirstRejudgeKeepsTheOriginalAsVersion1_HighestIsCurrent_RepeatsKeepTheFirstCopy()
    {
        // Before any rejudge, version 1 is the aggregate itself.
        await Store.PutAggregateAsync("b1", "{\"v\":1}"u8.ToArray());
        Assert.Equal("{\"v\":1}", Text(await Store.GetAggregateVersionAsync("b1", 1)));
        Assert.Null(await Store.GetAggregateVersionAsync("b1", 2));

        // Act: version 3 lands before version 2 (two rejudges finishing out of order), and version 2 is written twice.
        await Store.PutAggregateVersionAsync("b1", 3, "{\"v\":3}"u8.ToArray());
        await Store.PutAggregateVersionAsync("b1", 2, "{\"v\":2}"u8.ToArray());
        await Store.PutAggregateVersionAsync("b1", 2, "{\"v\":\"other\"}"u8.ToArray());

        // Assert
        Assert.Equal("{\"v\":1}", Text(await Store.GetAggregateVersionAsync("b1", 1)));
        Assert.Equal("{\"v\":2}", Text(await Store.GetAggregateVersionAsync("b1", 2)));
        Assert.Equal("{\"v\":3}", Text(await Store.GetAggregateVersionAsync("b1", 3)));
        Assert.Equal("{\"v\":3}", Text(await Store.GetAggregateAsync("b1")));
        Assert.Null(await Store.GetAggregateVersionAsync("b1", 4));
        Assert.Null(await Store.GetAggregateVersionAsync("b2", 1));

        // Purge removes every version.
        await Store.DeleteBatchAsync("b1");
        Assert.Null(await Store.GetAggregateVersionAsync("b1", 1));
        Assert.Null(await Store.GetAggregateVersionAsync("b1", 3));
        Assert.Null(await Store.GetAggregateAsync("b1"));
    }

    [Fact]
    public async Task DeleteBatch_RemovesRowsAndAggregateOfThatBatchOnly()
    {
        for (var i = 0; i < 150; i++)
        {
            await Store.UpsertRunAsync(Row(0, i));
        }

        await Store.UpsertRunAsync(Row(0, 0) with { BatchId = "b2" });
        await Store.PutAggregateAsync("b1", "{}"u8.ToArray());

        await Store.DeleteBatchAsync("b1");

        Assert.Empty((await Store.QueryRunsAsync(new RunQuery("b1"))).Items);
        Assert.Null(await Store.GetAggregateAsync("b1"));
        Assert.Single((await Store.QueryRunsAsync(new RunQuery("b2"))).Items);
    }

    [Fact]
    public async Task QueryJudged_PagedByCursor_EveryRunOnceInWriteOrder()
    {
        var written = new List<(int, int)>();
        foreach (var index in new[] { 7, 2, 9, 0, 5, 1, 8, 3, 6, 4 })
        {
            var ordinal = index % 2;
            await Store.UpsertRunAsync(Row(ordinal, index));
            written.Add((ordinal, index));
        }

        var read = new List<(int, int)>();
        var cursor = "";
        for (var page = 0; page < 10; page++)
        {
            var result = await Store.QueryJudgedAsync(new JudgedRunQuery("b1", cursor, Limit: 3));
            Assert.True(result.Items.Count <= 3);
            read.AddRange(result.Items.Select(r => (r.TaskOrdinal, r.RunIndex)));
            cursor = result.Next;
        }

        var last = await Store.QueryJudgedAsync(new JudgedRunQuery("b1", cursor));

        Assert.Equal(written, read);
        Assert.Equal(cursor, (await Store.QueryJudgedAsync(new JudgedRunQuery("b1", Limit: 10))).ItemCursors[^1]);
        Assert.Empty(last.Items);
        Assert.Equal(cursor, last.Next);
    }

    [Fact]
    public async Task QueryJudged_RowWrittenAgain_KeepsItsPlaceAndIsNotRepeated()
    {
        await Store.UpsertRunAsync(Row(0, 0, RunOutcome.Failed));
        await Store.UpsertRunAsync(Row(0, 1));
        var first = await Store.QueryJudgedAsync(new JudgedRunQuery("b1"));

        await Store.UpsertRunAsync(Row(0, 0, RunOutcome.Passed));
        await Store.UpsertRunAsync(Row(0, 2));
        var after = await Store.QueryJudgedAsync(new JudgedRunQuery("b1", first.Next));
        var all = await Store.QueryJudgedAsync(new JudgedRunQuery("b1"));

        Assert.Equal([0, 1], first.Items.Select(r => r.RunIndex));
        Assert.Equal([2], after.Items.Select(r => r.RunIndex));
        Assert.Equal([0, 1, 2], all.Items.Select(r => r.RunIndex));
        Assert.Equal(RunOutcome.Passed, all.Items[0].Outcome);
    }

    [Fact]
    public async Task QueryJudged_RunJudgedAgainByARerun_TakesANewPlaceOnce()
    {
        await Store.UpsertRunAsync(Row(0, 0, RunOutcome.Errored));
        await Store.UpsertRunAsync(Row(0, 1));
        var first = await Store.QueryJudgedAsync(new JudgedRunQuery("b1"));

        // The rerun's final row (attempt 2) moves the run to the end of the order; its repeat keeps that place.
        await Store.UpsertRunAsync(Row(0, 0) with { Attempts = 2, JudgedAgain = true });
        var rerun = await Store.QueryJudgedAsync(new JudgedRunQuery("b1", first.Next));
        await Store.UpsertRunAsync(Row(0, 0) with { Attempts = 2 });
        var repeat = await Store.QueryJudgedAsync(new JudgedRunQuery("b1", rerun.Next));
        var all = await Store.QueryJudgedAsync(new JudgedRunQuery("b1"));

        Assert.Equal([0, 1], first.Items.Select(r => r.RunIndex));
        var again = Assert.Single(rerun.Items);
        Assert.Equal((0, RunOutcome.Passed, 2), (again.RunIndex, again.Outcome, again.Attempts));
        Assert.Empty(repeat.Items);
        Assert.Equal([1, 0], all.Items.Select(r => r.RunIndex));
    }

    [Fact]
    public async Task QueryJudged_RowOfARunToBeRetried_NotListedUntilItsFinalRow()
    {
        await Store.UpsertRunAsync(Row(0, 0, RunOutcome.Errored) with { Retrying = true });
        await Store.UpsertRunAsync(Row(0, 1));
        var before = await Store.QueryJudgedAsync(new JudgedRunQuery("b1"));

        await Store.UpsertRunAsync(Row(0, 0) with { Attempts = 2 });
        var after = await Store.QueryJudgedAsync(new JudgedRunQuery("b1", before.Next));

        Assert.Equal([1], before.Items.Select(r => r.RunIndex));
        var final = Assert.Single(after.Items);
        Assert.Equal((0, RunOutcome.Passed, 2), (final.RunIndex, final.Outcome, final.Attempts));
        Assert.Equal(2, (await Store.QueryRunsAsync(new RunQuery("b1"))).Items.Count);
    }

    [Fact]
    public async Task QueryJudged_Filters_TaskAndOutcomeInJudgedOrder()
    {
        await Store.UpsertRunAsync(Row(1, 0, RunOutcome.Failed));
        await Store.UpsertRunAsync(Row(0, 3, RunOutcome.Failed));
        await Store.UpsertRunAsync(Row(0, 1, RunOutcome.Passed));
        await Store.UpsertRunAsync(Row(0, 0, RunOutcome.Failed));

        var failed = await Store.QueryJudgedAsync(new JudgedRunQuery("b1", Outcome: RunOutcome.Failed));
        var task0Failed = await Store.QueryJudgedAsync(new JudgedRunQuery("b1", TaskOrdinal: 0, Outcome: RunOutcome.Failed, Limit: 1));
        var task0FailedRest = await Store.QueryJudgedAsync(new JudgedRunQuery("b1", task0Failed.Next, TaskOrdinal: 0, Outcome: RunOutcome.Failed));

        Assert.Equal([(1, 0), (0, 3), (0, 0)], failed.Items.Select(r => (r.TaskOrdinal, r.RunIndex)));
        Assert.Equal([3], task0Failed.Items.Select(r => r.RunIndex));
        Assert.Equal([0], task0FailedRest.Items.Select(r => r.RunIndex));
    }

    [Fact]
    public async Task QueryJudged_ConcurrentWrites_EachRunOnceWithDistinctPlaces()
    {
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => Store.UpsertRunAsync(Row(0, i)))));
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => Store.UpsertRunAsync(Row(0, i % 5, RunOutcome.Failed)))));

        var read = new List<int>();
        var cursor = JudgedCursor.Start;
        while (true)
        {
            var page = await Store.QueryJudgedAsync(new JudgedRunQuery("b1", cursor, Limit: 7));
            if (page.Items.Count == 0)
            {
                break;
            }

            read.AddRange(page.Items.Select(r => r.RunIndex));
            cursor = page.Next;
        }

        Assert.Equal(Enumerable.Range(0, 20), read.Order());
    }

    [Fact]
    public async Task QueryJudged_OtherBatchOrBadCursor_NotMixedAndRejected()
    {
        await Store.UpsertRunAsync(Row(0, 0));
        await Store.UpsertRunAsync(Row(0, 1) with { BatchId = "b2" });

        var b2 = await Store.QueryJudgedAsync(new JudgedRunQuery("b2"));

        Assert.Equal("b2", Assert.Single(b2.Items).BatchId);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.QueryJudgedAsync(new JudgedRunQuery("b1", "not-a-cursor")));
        Assert.Single((await Store.QueryRunsAsync(new RunQuery("b1"))).Items);
    }

    private static string? Text(ReadOnlyMemory<byte>? bytes) => bytes is { } b ? Encoding.UTF8.GetString(b.Span) : null;
}
