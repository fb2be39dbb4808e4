using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Stores;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Planning;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

/// <summary>Packed executions: a chunk starts its runs' attempts in packs (one execution, a task per attempt), each
/// run still polls and judges its own attempt; retries are packed again; cancels reach one run by its marker.</summary>
public sealed class PackedRunTests
{
    private static WorkflowSettings Packed(int size) => WorkflowHarness.FastSettings with { PackSize = size, PackGatherSeconds = 1 };

    [Theory]
    [Engines]
    public async Task Batch_PackedStarts_OneExecutionPerPackAndEveryRunCountedOnce(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine);
        var id = await h.SubmitAsync(
            """{"id": "packed", "maxParallelRuns": 30, "tasks": [{"id": "a", "n": 20, "command": "true"}, {"id": "b", "n": 10, "command": "true"}]}""", Packed(10));

        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;
        var rows = await h.Results.QueryRunsAsync(new RunQuery(id));

        Assert.Equal(30, summary.Passed);
        Assert.Equal(30, rows.Items.Count);
        Assert.Equal(30, rows.Items.Select(r => (r.TaskId, r.RunIndex)).Distinct().Count());
        Assert.Equal(3, h.CloudRun.Starts);
        Assert.All(h.CloudRun.Executions, e => Assert.Equal(10, e.TaskCount));

        // A pack job runs its tasks at once (Cloud Run's most parallelism), under a name of its own.
        var job = Assert.Single(h.CloudRun.Jobs.Values);
        Assert.Equal(0, job.Parallelism);
        Assert.All(rows.Items, r => Assert.Equal(1, r.Attempts));
        Assert.All(rows.Items, r => Assert.Matches(@"/executions/[^/]+/tasks/[0-9]$", r.Execution));
        Assert.Equal(30, rows.Items.Select(r => r.Execution).Distinct().Count());
        Assert.Equal(0, h.CloudRun.Cancels);
    }

    [Theory]
    [Engines]
    public async Task Batch_TasksDyingWithoutResult_AttemptsPackedAgainTogetherAndCountedOnce(EngineKind engine)
    {
        // Every fifth run's first task dies without a result; the pack's other tasks pass.
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.Attempt == 1 && call.RunIndex % 5 == 0
            ? Task.Run(call.Vanish)
            : call.PassAsync());
        var id = await h.SubmitAsync("""{"id": "dying", "maxParallelRuns": 30, "tasks": [{"id": "t", "n": 30, "command": "true", "maxAttempts": 3}]}""", Packed(15));

        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;
        var rows = await h.Results.QueryRunsAsync(new RunQuery(id));

        Assert.Equal(30, summary.Passed);
        Assert.Equal(30, rows.Items.Count);
        Assert.Equal(Enumerable.Range(0, 30).Where(i => i % 5 == 0), rows.Items.Where(r => r.Attempts == 2).Select(r => r.RunIndex).Order());
        Assert.All(rows.Items.Where(r => r.RunIndex % 5 != 0), r => Assert.Equal(1, r.Attempts));

        // Two first packs of 15, then the six retries in one pack of their own.
        Assert.Equal([15, 15, 6], h.CloudRun.Executions.OrderBy(e => e.CreateTime).ThenBy(e => e.Name, StringComparer.Ordinal).Select(e => e.TaskCount));
    }

    [Theory]
    [Engines]
    public async Task Batch_OneTaskDiesAfterItsClaimWhileThePackRunsOn_RetriedWithoutWaitingForThePack(EngineKind engine)
    {
        // The pack's other tasks work until the dead run's retry has passed: were its death seen only at the pack's
        // end (or at its hour-long timeout), the batch would never end within the wait.
        var retried = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await WorkflowHarness.StartAsync(engine, async call =>
        {
            switch (call.RunIndex, call.Attempt)
            {
                case (2, 1):
                    // Claimed, then killed (an OOM): no result, its task failed; the pack's execution runs on.
                    await call.ClaimAsync();
                    call.Vanish();
                    break;
                case (2, _):
                    await call.PassAsync();
                    retried.TrySetResult();
                    break;
                default:
                    await call.ClaimAsync();
                    await call.WaitForAsync(retried.Task);
                    await call.PassAsync();
                    break;
            }
        });
        var settings = Packed(4) with { Polling = WorkflowHarness.FastSettings.Polling with { ExecutionCheckAfter = TimeSpan.FromSeconds(1) } };
        var id = await h.SubmitAsync("""{"id": "task-dies", "maxParallelRuns": 4, "tasks": [{"id": "t", "n": 4, "command": "true", "timeoutSeconds": 3600}]}""", settings);

        var summary = (await h.WaitAsync(id, 120)).ReadOutputAs<BatchSummary>()!;
        var rows = await h.Results.QueryRunsAsync(new RunQuery(id));
        var died = rows.Items.Single(r => r.RunIndex == 2);

        Assert.Equal(4, summary.Passed);
        Assert.Equal(2, died.Attempts);
        Assert.Equal(2, h.CloudRun.Executions.Count);
        Assert.StartsWith("Task ", died.AttemptLog[0].Reason, StringComparison.Ordinal);
        Assert.Contains("ended (failed) without a result", died.AttemptLog[0].Reason, StringComparison.Ordinal);
    }

    [Theory]
    [Engines]
    public async Task Batch_OneRunOfAPackCancelled_ItsMarkerStopsItAndTheOthersPass(EngineKind engine)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await WorkflowHarness.StartAsync(engine, async call =>
        {
            if (call.RunIndex != 3)
            {
                await call.PassAsync();
                return;
            }

            // The runner's side of a cancel marker: it claimed, then stops without a result once the marker is there.
            await call.ClaimAsync();
            while (!await call.CancelMarkedAsync())
            {
                await call.DelayAsync(TimeSpan.FromMilliseconds(100));
            }

            call.End(succeeded: true, null);
            release.TrySetResult();
        });
        var id = await h.SubmitAsync("""{"id": "cancel-one", "maxParallelRuns": 8, "tasks": [{"id": "t", "n": 8, "command": "true"}]}""", Packed(8));
        var prefix = await RunnerPrefixAsync(h, id, 3);
        await Eventually.HoldsAsync(async () => await h.Objects.GetMetadataAsync(prefix + "claim") is not null, "run 3 claimed");

        await h.Client.RaiseEventAsync(InstanceIds.Run(id, new RunRef(0, 3)), Events.Cancel, "one run stopped");
        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;
        var rows = await h.Results.QueryRunsAsync(new RunQuery(id));

        // The run is recorded as cancelled once its marker is written; its task stops on its own time.
        await Eventually.HoldsAsync(() => release.Task.IsCompleted, "the task of the cancelled run saw its marker and stopped");
        var pack = Assert.Single(h.CloudRun.Executions);
        var tasks = await h.CloudRun.ListTasksAsync(pack.Name);

        Assert.Equal(7, summary.Passed);
        Assert.Equal(1, summary.Cancelled);
        Assert.Equal(RunOutcome.Cancelled, rows.Items.Single(r => r.RunIndex == 3).Outcome);

        // The execution served seven other runs: it was not cancelled under them. Once they had all ended, the chunk
        // cancelled it for the task of the cancelled run, unless that one had stopped (exit 0) on its marker already.
        Assert.Equal(8, tasks.Items.Count);
        Assert.True(tasks.Items.Count(t => t.State == CloudRunTaskState.Succeeded) >= 7, "the other runs' tasks succeeded");
        Assert.All(tasks.Items, t => Assert.Contains(t.State, (CloudRunTaskState[])[CloudRunTaskState.Succeeded, CloudRunTaskState.Cancelled]));
    }

    [Theory]
    [Engines]
    public async Task Batch_EveryRunOfOnePackCancelled_ThatPackCancelledAndTheOtherPackPasses(EngineKind engine)
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? heldPack = null;
        var heldRuns = new System.Collections.Concurrent.ConcurrentBag<int>();
        await using var h = await WorkflowHarness.StartAsync(engine, async call =>
        {
            // The tasks of the first pack started hold until the test lets go; the other pack passes.
            if (Interlocked.CompareExchange(ref heldPack, call.Execution.Name, null) is { } first && first != call.Execution.Name)
            {
                await call.PassAsync();
                return;
            }

            await call.ClaimAsync();
            heldRuns.Add(call.RunIndex);
            await call.WaitForAsync(hold.Task);
        });
        var id = await h.SubmitAsync("""{"id": "cancel-pack", "maxParallelRuns": 8, "tasks": [{"id": "t", "n": 8, "command": "true"}]}""", Packed(4));
        await Eventually.HoldsAsync(() => heldRuns.Count == 4, "the first pack's four runs claimed");

        foreach (var run in heldRuns)
        {
            await h.Client.RaiseEventAsync(InstanceIds.Run(id, new RunRef(0, run)), Events.Cancel, "this pack's runs stopped");
        }

        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;
        hold.TrySetResult();
        var rows = await h.Results.QueryRunsAsync(new RunQuery(id));

        Assert.Equal(4, summary.Cancelled);
        Assert.Equal(4, summary.Passed);
        Assert.All(rows.Items.Where(r => heldRuns.Contains(r.RunIndex)), r => Assert.Equal(RunOutcome.Cancelled, r.Outcome));
        Assert.Equal(2, h.CloudRun.Executions.Count);
        Assert.Equal(CloudRunExecutionState.Cancelled, h.CloudRun.Executions.Single(e => e.Name == heldPack).State);
        Assert.Equal(CloudRunExecutionState.Succeeded, h.CloudRun.Executions.Single(e => e.Name != heldPack).State);
    }

    [Theory]
    [Engines]
    public async Task Batch_CancelledWhilePacksRun_EveryPackCancelledAndNoRunLost(EngineKind engine)
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await WorkflowHarness.StartAsync(engine, async call =>
        {
            await call.ClaimAsync();
            await call.WaitForAsync(hold.Task);
        });
        var id = await h.SubmitAsync("""{"id": "cancel-all", "maxParallelRuns": 12, "tasks": [{"id": "t", "n": 12, "command": "true"}]}""", Packed(4));
        await Eventually.HoldsAsync(() => h.CloudRun.Executions.Count == 3, "three packs started");
        await Eventually.HoldsAsync(async () => (await h.Service.GetStatusAsync(id))?.Progress.Packs == new Service.PackProgress(3, 3), "the status shows three packs started and running");

        await h.Service.CancelAsync(id);
        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;
        hold.TrySetResult();

        Assert.Equal(12, summary.Cancelled);
        Assert.Equal(12, summary.Runs);
        Assert.All(h.CloudRun.Executions, e => Assert.Equal(CloudRunExecutionState.Cancelled, e.State));
    }

    private static async Task<string> RunnerPrefixAsync(WorkflowHarness h, string batchId, int runIndex) =>
        Domain.Specs.RunnerContract.AttemptPrefix(batchId, (await h.Batches.GetAsync(batchId))!.Nonce, "t", runIndex, 1);
}
