using System.Text;
using Orchestration.Activities.CloudRun;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

public sealed class OrphanReaperTests
{
    [Theory]
    [Engines]
    public async Task Reap_ExecutionOfFinishedRun_CancelledAndLiveOnesKept(EngineKind engine)
    {
        var hold = new TaskCompletionSource();
        await using var h = await WorkflowHarness.StartAsync(engine, async call =>
        {
            if (call.TaskId == "done")
            {
                await call.PassAsync();
            }
            else
            {
                await call.ClaimAsync();
                await call.WaitForAsync(hold.Task);
            }
        });
        await h.Service.SubmitAsync(Encoding.UTF8.GetBytes("""{"id": "r1", "tasks": [{"id": "done", "n": 2, "command": "x"}, {"id": "live", "n": 1, "command": "y", "timeoutSeconds": 600}]}"""));
        await Eventually.HoldsAsync(() => h.CloudRun.Starts >= 3, "all three runs started");

        // Both finished runs must be over, and their runners done (execution succeeded), before the test
        // turns their executions back to running: otherwise the runner's own last step, or a run still
        // collecting, races the setup.
        var done = h.CloudRun.Executions.Where(e => e.Environment["RUN_PREFIX"].Contains("/done/", StringComparison.Ordinal)).Select(e => e.Name).ToList();
        foreach (var run in new[] { "r1:t0:r0", "r1:t0:r1" })
        {
            await Eventually.HoldsAsync(async () => (await h.Client.GetInstanceAsync(run))?.IsCompleted == true, run + " completed");
        }

        await Eventually.HoldsAsync(() => h.CloudRun.Executions.Where(e => done.Contains(e.Name)).All(e => e.IsTerminal), "the finished runs' executions ended");

        // The runner of a finished run still reports running (a runner stuck after uploading): an orphan.
        foreach (var name in done)
        {
            h.CloudRun.Set(name, CloudRunExecutionState.Running);
        }

        var (cancelled, deleted) = await h.Reaper.ReapAsync();

        Assert.Equal(2, cancelled);
        Assert.Equal(0, deleted);
        var live = h.CloudRun.Executions.Single(e => e.Environment["RUN_PREFIX"].Contains("/live/", StringComparison.Ordinal));
        Assert.False(live.IsTerminal);
        await h.Service.CancelAsync("r1");
        await h.WaitAsync("r1");
        hold.SetResult();
        Assert.Equal(0, (await h.Reaper.ReapAsync()).Cancelled);
    }

    [Theory]
    [Engines]
    public async Task Reap_UnusedJobOlderThanAge_Deleted(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine);
        await h.Service.SubmitAsync(Encoding.UTF8.GetBytes("""{"id": "r2", "tasks": [{"id": "a", "command": "x"}]}"""));
        await h.WaitAsync("r2");

        var kept = await h.Reaper.ReapAsync(TimeSpan.FromDays(7));
        var removed = await h.Reaper.ReapAsync(TimeSpan.FromTicks(-1));

        Assert.Equal(0, kept.JobsDeleted);
        Assert.Equal(1, removed.JobsDeleted);
        Assert.Empty(h.CloudRun.Jobs);
    }
}
