using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Judging;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

/// <summary>A Cancel at each step of a run, with the outcome DESIGN section 5 documents (the run
/// orchestrator's: before an execution exists -> cancelled, nothing launched; once it exists -> CancelRun,
/// cancelled, unless a complete result arrived first, which wins), and afterwards no execution left
/// running: every one is terminal and the orphan reaper finds nothing to cancel.</summary>
public sealed class CancelRaceTests
{
    [Theory]
    [Engines]
    public async Task Cancel_BeforeAnyStart_NothingLaunched(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine);
        h.GitGate = new TaskCompletionSource(); // PrepareBatch waits on the git lookup until the Cancel is in
        var id = await h.SubmitAsync("""{"id": "early", "tasks": [{"id": "t", "n": 5, "command": "x", "inputs": {"r": {"git": {"url": "https://github.com/o/r"}}}}]}""");
        await h.Client.RaiseEventAsync(id, Events.Cancel, "stop");
        h.GitGate.SetResult();

        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;

        Assert.Equal(BatchStatus.Cancelled, summary.Status);
        Assert.Equal(5, summary.Cancelled);
        Assert.Equal(0, h.CloudRun.Starts);
        await AssertNothingLeftRunningAsync(h);
    }

    [Theory]
    [Engines]
    public async Task Cancel_DuringThrottledStart_CancelledWithoutExecution(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine);
        h.CloudRun.ThrottleNext(Enumerable.Repeat(TimeSpan.FromSeconds(30), 50).ToArray());
        var id = await h.SubmitAsync("""{"id": "throttled-cancel", "tasks": [{"id": "t", "n": 3, "command": "x"}]}""");
        await Eventually.HoldsAsync(async () => await h.Client.GetInstanceAsync("throttled-cancel:t0:r2") is not null, "the third run started");

        await h.Client.RaiseEventAsync(id, Events.Cancel, "stop");
        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;
        var rows = await h.Results.QueryRunsAsync(new RunQuery(id));

        Assert.Equal(3, summary.Cancelled);
        Assert.Equal(0, h.CloudRun.Starts);
        Assert.All(rows.Items, r => Assert.Equal("Cancelled before the run started.", r.Reason));
        await AssertNothingLeftRunningAsync(h);
    }

    [Theory]
    [Engines]
    public async Task Cancel_WhileStartRunIsInFlight_ExecutionCancelledAndRunCancelled(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine);
        var inFlight = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        // The :run call has created the execution but not answered yet, so StartRun is still running.
        h.CloudRun.OnStarted = async _ =>
        {
            inFlight.TrySetResult();
            await release.Task;
        };
        var id = await h.SubmitAsync("""{"id": "start-cancel", "tasks": [{"id": "t", "command": "x", "timeoutSeconds": 600}]}""");
        await inFlight.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The Cancel the batch forwards reaches the run while StartRun is held, the run's only pending work.
        await h.RaiseAndWaitUntilReceivedAsync(id, Events.Cancel, "stop", "start-cancel:t0:r0");
        release.SetResult();
        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;
        var row = (await h.Results.GetRunAsync(id, 0, 0))!;

        Assert.Equal(BatchStatus.Cancelled, summary.Status);
        Assert.Equal((1, 0), (summary.Cancelled, summary.Passed));
        Assert.Equal((RunOutcome.Cancelled, "Cancelled while running."), (row.Outcome, row.Reason));
        Assert.Equal(CloudRunExecutionState.Cancelled, h.CloudRun.Executions.Single().State);
        Assert.Equal(1, h.CloudRun.Cancels);
        await AssertNothingLeftRunningAsync(h);
    }

    [Theory]
    [Engines]
    public async Task Cancel_WhilePolling_ExecutionCancelledAndRunCancelled(EngineKind engine)
    {
        var claimed = new TaskCompletionSource();
        await using var h = await WorkflowHarness.StartAsync(engine, async call =>
        {
            await call.ClaimAsync(); // a runner that works on and on
            claimed.TrySetResult();
        });
        var id = await h.SubmitAsync("""{"id": "poll-cancel", "tasks": [{"id": "t", "command": "sleep 600", "timeoutSeconds": 600}]}""");
        await claimed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Eventually.HoldsAsync(() => h.CloudRun.Gets >= 2, "polled, and the execution looked at, at least twice");

        Assert.True(h.CloudRun.Gets >= 2, "the run never polled its execution");
        await h.Client.RaiseEventAsync(id, Events.Cancel, "stop");
        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;
        var row = (await h.Results.GetRunAsync(id, 0, 0))!;

        Assert.Equal(BatchStatus.Cancelled, summary.Status);
        Assert.Equal((RunOutcome.Cancelled, "Cancelled while running."), (row.Outcome, row.Reason));
        Assert.Equal(CloudRunExecutionState.Cancelled, h.CloudRun.Executions.Single().State);
        Assert.Equal(1, h.CloudRun.Cancels);
        await AssertNothingLeftRunningAsync(h);
    }

    [Theory]
    [Engines]
    public async Task Cancel_AfterResultWrittenBeforeCollected_RealResultWins(EngineKind engine)
    {
        var settings = WorkflowHarness.FastSettings with
        {
            Polling = WorkflowHarness.FastSettings.Polling with { FirstDelay = TimeSpan.FromSeconds(20), MaxDelay = TimeSpan.FromSeconds(20) },
        };
        var written = new TaskCompletionSource();
        await using var h = await WorkflowHarness.StartAsync(engine, async call =>
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
        await AssertNothingLeftRunningAsync(h);
    }

    private static async Task AssertNothingLeftRunningAsync(WorkflowHarness h)
    {
        Assert.All(h.CloudRun.Executions, e => Assert.True(e.IsTerminal, $"{e.Name} is {e.State}"));
        var (cancelled, _) = await h.Reaper.ReapAsync();
        Assert.Equal(0, cancelled);
    }
}
