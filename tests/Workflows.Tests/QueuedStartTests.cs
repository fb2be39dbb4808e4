using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Stores;
using Orchestration.Domain.Judging;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

/// <summary>An execution its platform still queues at the claim deadline (a busy local runner, a Cloud Run
/// execution pending) was never given a chance to claim: its attempt waits, bounded by the task's timeout,
/// instead of being counted lost and started again.</summary>
public sealed class QueuedStartTests
{
    [Theory]
    [Engines]
    public async Task Run_QueuedPastTheClaimDeadlineThenRuns_CountedInItsFirstAttempt(EngineKind engine)
    {
        // The harness's claim deadline is 2 s; these executions stay pending for 5 s before they run.
        await using var h = await WorkflowHarness.StartAsync(engine, async call =>
        {
            await call.DelayAsync(TimeSpan.FromSeconds(5));
            MarkRunning(call);
            await call.PassAsync();
        });
        var id = await h.SubmitAsync("""{"id": "queued", "tasks": [{"id": "slow-slot", "n": 3, "command": "true", "timeoutSeconds": 60}]}""");

        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;
        var rows = (await h.Results.QueryRunsAsync(new RunQuery(id))).Items;

        Assert.Equal(3, summary.Passed);
        Assert.All(rows, r => Assert.Equal(1, r.Attempts));
        Assert.All(rows, r => Assert.Equal(RunOutcome.Passed, r.Outcome));
        Assert.Equal(3, h.StartsOf("slow-slot"));
    }

    [Theory]
    [Engines]
    public async Task Run_QueuedLongerThanItsTimeout_LostAndRetried(EngineKind engine)
    {
        // Attempt 1 never leaves the queue; attempt 2 runs at once.
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.Attempt == 1 ? Task.CompletedTask : call.PassAsync());
        var id = await h.SubmitAsync("""{"id": "stuck", "tasks": [{"id": "stuck", "command": "true", "timeoutSeconds": 3, "maxAttempts": 2}]}""");

        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;
        var row = Assert.Single((await h.Results.QueryRunsAsync(new RunQuery(id))).Items);

        Assert.Equal(1, summary.Passed);
        Assert.Equal(2, row.Attempts);
        Assert.Equal("lost", row.AttemptLog[0].Result);
        Assert.StartsWith("No runner claimed the attempt", row.AttemptLog[0].Reason, StringComparison.Ordinal);
        Assert.Equal(2, h.StartsOf("stuck"));
    }

    private static void MarkRunning(RunnerCall call) => call.Harness.CloudRun.Set(call.Execution.Name, CloudRunExecutionState.Running);
}
