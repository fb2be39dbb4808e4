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
}
