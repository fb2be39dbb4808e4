using Orchestration.Activities.Contracts;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Judging;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

public sealed class ScaleAndRaceTests
{
    // Embedded engine only, for time (20 s here); the 200-run batch below runs on every engine.
    [Fact]
    public async Task Batch_TwoThousandRuns_CompletesWithEveryRunCountedOnce()
    {
        await using var h = await WorkflowHarness.StartAsync(EngineKind.Embedded);
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

    [Theory]
    [Engines]
    public async Task Batch_TwoHundredRuns_EveryRunCountedOnceAcrossChunks(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.TaskId == "b" && call.RunIndex % 3 == 0 ? call.FinishAsync(1, "no") : call.PassAsync());
        var id = await h.SubmitAsync("""{"id": "two-hundred", "maxParallelRuns": 100, "tasks": [{"id": "a", "n": 120, "command": "x"}, {"id": "b", "n": 80, "command": "y"}]}""",
            WorkflowHarness.FastSettings with { ChunkSize = 50 });

        var summary = (await h.WaitAsync(id, 180)).ReadOutputAs<BatchSummary>()!;
        var rows = (await h.Results.QueryRunsAsync(new RunQuery(id, PageSize: 1000))).Items;

        Assert.Equal((BatchStatus.Completed, 200, 173, 27), (summary.Status, summary.Runs, summary.Passed, summary.Failed));
        Assert.Equal(200, rows.Select(r => (r.TaskId, r.RunIndex)).Distinct().Count());
        Assert.Equal(27, rows.Count(r => r.Outcome == RunOutcome.Failed && r.TaskId == "b" && r.RunIndex % 3 == 0));
        Assert.All(rows, r => Assert.Equal(1, r.Attempts));
        Assert.Equal(200, h.CloudRun.Starts);
        Assert.InRange(h.MaxInFlight, 1, 100);
    }

    // Embedded engine only: it counts the embedded engine's stored history rows across ContinueAsNew (the SDK
    // backends serve no history to clients); ContinueAsNew on every engine is in ContinueAsNewTests.
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
        // Real time: the polls are 1 ms apart, and the skipping clock takes a few real milliseconds per skip.
        await using var h = harness = await WorkflowHarness.StartAsync(EngineKind.Embedded, realTime: true, runner: async call =>
        {
            await call.ClaimAsync();
            while (harness!.CloudRun.Gets < 1000)
            {
                maxHistory = Math.Max(maxHistory, (await harness.HistoryAsync("long:t0:r0")).Count);
                await call.DelayAsync(TimeSpan.FromMilliseconds(20));
            }

            await call.PassAsync();
        });
        var id = await h.SubmitAsync("""{"id": "long", "tasks": [{"id": "t", "command": "x", "timeoutSeconds": 3600}]}""", settings);

        var summary = (await h.WaitAsync(id, 300)).ReadOutputAs<BatchSummary>()!;

        Assert.Equal(1, summary.Passed);
        Assert.True(h.CloudRun.Gets >= 1000, $"{h.CloudRun.Gets} execution reads, so about {2 * h.CloudRun.Gets} polls");
        Assert.InRange(maxHistory, 1, 200);
    }
}
