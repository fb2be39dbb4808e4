using Orchestration.Activities.CloudRun;
using Orchestration.Fakes;

namespace Orchestration.Activities.Tests.CloudRun;

/// <summary>The in-process Cloud Run stand-in keeps per-task state of a pack the way the loopback fake and Cloud Run do.</summary>
public sealed class InMemoryCloudRunTests
{
    private static CloudRunJobSpec Spec() => new(
        "orch-mem", "image", "1", "512Mi", "sa", new Dictionary<string, string>(), new Dictionary<string, CloudRunSecretRef>(), TimeSpan.FromMinutes(10), Parallelism: 0);

    [Fact]
    public async Task SetTask_CountsAndStateFollowTasks_FailedOnlyOnceAllEnded()
    {
        var run = new InMemoryCloudRun();
        await run.EnsureJobAsync(Spec());
        var name = (await run.RunExecutionAsync("orch-mem", new Dictionary<string, string>(), TimeSpan.FromMinutes(5), taskCount: 3)).ExecutionName!;

        run.SetTask(name, 0, CloudRunTaskState.Running);
        var running = await run.GetExecutionAsync(name);
        run.SetTask(name, 0, CloudRunTaskState.Failed, "exit 1");
        run.SetTask(name, 1, CloudRunTaskState.Succeeded);
        var oneLeft = await run.GetExecutionAsync(name);
        run.SetTask(name, 2, CloudRunTaskState.Succeeded);
        var done = await run.GetExecutionAsync(name);
        var tasks = (await run.ListTasksAsync(name)).Items;

        Assert.Equal((CloudRunExecutionState.Running, 3, 1), (running!.State, running.TaskCount, running.RunningCount));
        Assert.Equal((CloudRunExecutionState.Running, 1, 1), (oneLeft!.State, oneLeft.FailedCount, oneLeft.SucceededCount));
        Assert.Equal((CloudRunExecutionState.Failed, "exit 1", 2), (done!.State, done.FailureReason, done.SucceededCount));
        Assert.Equal([CloudRunTaskState.Failed, CloudRunTaskState.Succeeded, CloudRunTaskState.Succeeded], tasks.Select(t => t.State));
    }

    [Fact]
    public async Task CancelExecution_Pack_OnlyUnfinishedTasksCancelled()
    {
        var run = new InMemoryCloudRun();
        await run.EnsureJobAsync(Spec());
        var name = (await run.RunExecutionAsync("orch-mem", new Dictionary<string, string>(), TimeSpan.FromMinutes(5), taskCount: 2)).ExecutionName!;
        run.SetTask(name, 0, CloudRunTaskState.Succeeded);

        Assert.True(await run.CancelExecutionAsync(name));
        var cancelled = await run.GetExecutionAsync(name);

        Assert.Equal((CloudRunExecutionState.Cancelled, 1, 1), (cancelled!.State, cancelled.SucceededCount, cancelled.CancelledCount));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_001)]
    public async Task RunExecution_TaskCountOutOfRange_Throws(int taskCount)
    {
        var run = new InMemoryCloudRun();
        await run.EnsureJobAsync(Spec());

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => run.RunExecutionAsync("orch-mem", new Dictionary<string, string>(), TimeSpan.FromMinutes(5), taskCount));

        Assert.Empty(run.Executions);
    }
}
