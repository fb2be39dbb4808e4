using Microsoft.Data.Sqlite;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Judging;

namespace Orchestration.Workflows.Tests;

public sealed class ScaleAndRaceTests
{
    [Fact]
    public async Task Batch_TwoThousandRuns_CompletesWithEveryRunCountedOnce()
    {
        await using var h = await WorkflowHarness.StartAsync();
        var id = await h.SubmitAsync("""{"id": "big", "maxParallelRuns": 1000, "tasks": [{"id": "a", "n": 1000, "command": "x"}, {"id": "b", "n": 1000, "command": "y"}]}""");

        var summary = (await h.WaitAsync(id, 300)).ReadOutputAs<BatchSummary>()!;
        var rows = 0;
        string? token = null;
        do
        {
            var page = await h.Results.QueryRunsAsync(new RunQuery(id, PageSize: 1000, ContinuationToken: token));
            rows += page.Items.Count;
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(2000, summary.Passed);
        Assert.Equal(2000, rows);
        Assert.Equal(2000, h.CloudRun.Starts);
    }

    [Fact]
    public async Task Run_PolledTwoThousandTimes_KeepsABoundedHistory()
    {
        var settings = WorkflowHarness.FastSettings with
        {
            Polling = WorkflowHarness.FastSettings.Polling with
            {
                FirstDelay = TimeSpan.FromMilliseconds(1),
                MaxDelay = TimeSpan.FromMilliseconds(1),
                JitterFraction = 0,
                ExecutionCheckEvery = 2,
                PollsPerEpisode = 20,
                StartGrace = TimeSpan.FromMinutes(5),
            },
        };
        WorkflowHarness? harness = null;
        var maxHistory = 0;
        await using var h = harness = await WorkflowHarness.StartAsync(async call =>
        {
            await call.ClaimAsync();
            while (harness!.CloudRun.Gets < 1000)
            {
                maxHistory = Math.Max(maxHistory, await HistoryRowsAsync(harness.EngineDatabase, "long:t0:r0"));
                await Task.Delay(20);
            }

            await call.PassAsync();
        });
        var id = await h.SubmitAsync("""{"id": "long", "tasks": [{"id": "t", "command": "x", "timeoutSeconds": 3600}]}""", settings);

        var summary = (await h.WaitAsync(id, 300)).ReadOutputAs<BatchSummary>()!;

        Assert.Equal(1, summary.Passed);
        Assert.True(h.CloudRun.Gets >= 1000, $"{h.CloudRun.Gets} execution reads, so about {2 * h.CloudRun.Gets} polls");
        Assert.InRange(maxHistory, 1, 200);
    }

    [Fact]
    public async Task Cancel_BeforeAnyStart_NothingLaunched()
    {
        await using var h = await WorkflowHarness.StartAsync();
        h.GitGate = new TaskCompletionSource(); // PrepareBatch waits on the git lookup until the Cancel is in
        var id = await h.SubmitAsync("""{"id": "early", "tasks": [{"id": "t", "n": 5, "command": "x", "inputs": {"r": {"git": {"url": "https://github.com/o/r"}}}}]}""");
        await h.Client.RaiseEventAsync(id, Events.Cancel, "stop");
        h.GitGate.SetResult();

        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;

        Assert.Equal(BatchStatus.Cancelled, summary.Status);
        Assert.Equal(5, summary.Cancelled);
        Assert.Equal(0, h.CloudRun.Starts);
    }

    [Fact]
    public async Task Cancel_DuringThrottledStart_CancelledWithoutExecution()
    {
        await using var h = await WorkflowHarness.StartAsync();
        h.CloudRun.ThrottleNext(Enumerable.Repeat(TimeSpan.FromSeconds(30), 50).ToArray());
        var id = await h.SubmitAsync("""{"id": "throttled-cancel", "tasks": [{"id": "t", "n": 3, "command": "x"}]}""");
        for (var i = 0; i < 200 && (await h.Client.GetInstanceAsync("throttled-cancel:t0:r2")) is null; i++)
        {
            await Task.Delay(25);
        }

        await h.Client.RaiseEventAsync(id, Events.Cancel, "stop");
        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;
        var rows = await h.Results.QueryRunsAsync(new RunQuery(id));

        Assert.Equal(3, summary.Cancelled);
        Assert.Equal(0, h.CloudRun.Starts);
        Assert.All(rows.Items, r => Assert.Equal("Cancelled before the run started.", r.Reason));
    }

    [Fact]
    public async Task Cancel_AfterResultWrittenBeforeCollected_RealResultWins()
    {
        var settings = WorkflowHarness.FastSettings with
        {
            Polling = WorkflowHarness.FastSettings.Polling with { FirstDelay = TimeSpan.FromSeconds(20), MaxDelay = TimeSpan.FromSeconds(20) },
        };
        var written = new TaskCompletionSource();
        await using var h = await WorkflowHarness.StartAsync(async call =>
        {
            await call.PassAsync("finished just before the cancel");
            written.SetResult();
        });
        var id = await h.SubmitAsync("""{"id": "race", "tasks": [{"id": "t", "command": "x"}]}""", settings);
        await written.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await h.Client.RaiseEventAsync(id, Events.Cancel, "stop");
        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;
        var row = await h.Results.GetRunAsync(id, 0, 0);

        Assert.Equal(BatchStatus.Cancelled, summary.Status);
        Assert.Equal(RunOutcome.Passed, row!.Outcome);
        Assert.Equal(1, summary.Passed);
    }

    private static async Task<int> HistoryRowsAsync(string database, string instanceId)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM history WHERE instance_id = $id";
        command.Parameters.AddWithValue("$id", instanceId);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
