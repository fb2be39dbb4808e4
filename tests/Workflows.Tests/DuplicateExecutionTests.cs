using System.Text;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Stores;
using Orchestration.Domain.Judging;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

/// <summary>Two executions of one attempt, as an ambiguous <c>:run</c> retry makes them: the claim
/// (create-if-absent) lets one do the work, the other ends as a no-op, and the run is counted once.</summary>
public sealed class DuplicateExecutionTests
{
    [Theory]
    [Engines]
    public async Task Run_TwoExecutionsPerStartClaimingInTheObjectStore_OneDoesTheWorkAndTheRunCountsOnce(EngineKind engine)
    {
        var worked = 0;
        var duplicates = 0;
        WorkflowHarness? harness = null;
        DuplicatingJobsClient? duplicating = null;
        await using var h = harness = await WorkflowHarness.StartAsync(
            engine,
            async call =>
            {
                using var claim = new MemoryStream(Encoding.UTF8.GetBytes($$"""{"execution": "{{call.Execution.Id}}", "startedAt": "{{call.Harness.Time.GetUtcNow():O}}"}"""));
                if (!(await call.Harness.Objects.PutIfAbsentAsync(call.Prefix + "claim", claim)).Created)
                {
                    // What runner.sh does when the claim names another execution: exit 0, write nothing.
                    Interlocked.Increment(ref duplicates);
                    call.Harness.CloudRun.Set(call.Execution.Name, CloudRunExecutionState.Succeeded);
                    return;
                }

                Interlocked.Increment(ref worked);
                await call.DelayAsync(TimeSpan.FromMilliseconds(300));
                await call.FinishAsync(0, "ran by " + call.Execution.Id);
            },
            jobs: _ => _ => duplicating = new DuplicatingJobsClient(harness!.CloudRun));
        var id = await h.SubmitAsync("""{"id": "dup", "maxParallelRuns": 5, "tasks": [{"id": "t", "n": 5, "command": "x"}]}""");

        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;
        var rows = await h.Results.QueryRunsAsync(new RunQuery(id));

        Assert.Equal((5, 5), (summary.Runs, summary.Passed));
        Assert.Equal(10, duplicating!.Started.Count);
        Assert.Equal((5, 5), (worked, duplicates));
        Assert.Equal(5, rows.Items.Count);
        Assert.All(rows.Items, r => Assert.Equal((RunOutcome.Passed, 1), (r.Outcome, r.Attempts)));
        Assert.All(h.CloudRun.Executions, e => Assert.True(e.IsTerminal, e.Name));
        Assert.Equal(0, (await h.Reaper.ReapAsync()).Cancelled);
    }

    // As after a host restart that started the attempt again: the execution started last loses the claim, and the
    // first poll already finds the result, before the orchestrator ever saw the claim.
    [Theory]
    [Engines]
    public async Task Run_DuplicateStartedLastLosesTheClaimAndResultIsSeenFirst_RowNamesTheClaimant(EngineKind engine)
    {
        var claimTaken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var duplicates = 0;
        WorkflowHarness? harness = null;
        DuplicatingJobsClient? duplicating = null;
        await using var h = harness = await WorkflowHarness.StartAsync(
            engine,
            async call =>
            {
                // Both executions' runners come after the claimant's work, find the claim taken and end as no-ops.
                await call.WaitForAsync(claimTaken.Task);
                using var claim = new MemoryStream(Encoding.UTF8.GetBytes($$"""{"execution": "{{call.Execution.Id}}"}"""));
                if (!(await call.Harness.Objects.PutIfAbsentAsync(call.Prefix + "claim", claim)).Created)
                {
                    Interlocked.Increment(ref duplicates);
                    call.Harness.CloudRun.Set(call.Execution.Name, CloudRunExecutionState.Succeeded);
                }
            },
            jobs: _ => _ => duplicating = new DuplicatingJobsClient(harness!.CloudRun)
            {
                // The first execution claims and finishes before StartRun hands back the second one's name.
                BeforeAnswer = async (first, environment) =>
                {
                    var execution = harness!.CloudRun.Executions.Single(e => e.Name == first);
                    var prefix = environment["RUN_PREFIX"]["gs://test-bucket/".Length..];
                    await new RunnerCall(harness, execution, prefix, "t", 0, 1).FinishAsync(0, "ran by " + execution.Id);
                    claimTaken.TrySetResult();
                },
            });
        var id = await h.SubmitAsync("""{"id": "dup-first", "tasks": [{"id": "t", "command": "x"}]}""");

        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;
        var row = (await h.Results.GetRunAsync(id, 0, 0))!;

        Assert.Equal((1, 1), (summary.Runs, summary.Passed));
        Assert.Equal(2, duplicating!.Started.Count);
        Assert.Equal(2, duplicates);
        Assert.Equal((RunOutcome.Passed, 1), (row.Outcome, row.Attempts));
        Assert.Equal(duplicating.Started[0], row.Execution);
        Assert.NotEqual(duplicating.Started[1], row.Execution);
    }

    // Embedded engine only: about runner.sh's claim in real processes; the engine side of a duplicated start
    // runs on every engine in the scripted case above.
    [Fact]
    public async Task Run_SameAttemptStartedTwiceWithTheRealRunner_ClaimMakesTheSecondANoOpAndTheRunCountsOnce()
    {
        DuplicatingJobsClient? duplicating = null;
        await using var h = await WorkflowHarness.StartAsync(EngineKind.Embedded, jobs: root =>
        {
            var local = RealRunnerTests.LocalRunner(root);
            return sp => duplicating = new DuplicatingJobsClient(local(sp));
        }, realTime: true);
        await h.Service.SubmitAsync(Encoding.UTF8.GetBytes("""
            {"id": "dup-real", "tasks": [{"id": "t", "command": "echo \"ran by $CLOUD_RUN_EXECUTION\"; sleep 1"}]}
            """));

        var summary = (await h.WaitAsync("dup-real", 120)).ReadOutputAs<BatchSummary>()!;
        var row = (await h.Results.GetRunAsync("dup-real", 0, 0))!;
        var stdout = await h.Service.GetArtifactAsync("dup-real", "t", 0, "stdout", null);
        string text;
        await using (var content = stdout!.Value.Content)
        {
            text = Encoding.UTF8.GetString(await content.ReadAllBytesAsync());
        }

        // The run is judged once result.json is stored; the runner that wrote it still has to exit and the
        // local job runner's watcher to see it, so on a loaded machine the execution may still be running.
        var executions = await Task.WhenAll(duplicating!.Started.Select(name => TerminalAsync(h, name)));

        Assert.Equal((1, 1), (summary.Runs, summary.Passed));
        Assert.Equal((RunOutcome.Passed, 1), (row.Outcome, row.Attempts));
        Assert.Equal(2, duplicating.Started.Count);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => line.StartsWith("ran by ", StringComparison.Ordinal));
        Assert.All(executions, e => Assert.Equal(CloudRunExecutionState.Succeeded, e!.State));
        Assert.Equal(0, (await h.Reaper.ReapAsync()).Cancelled);
    }

    private static async Task<CloudRunExecution?> TerminalAsync(WorkflowHarness h, string name)
    {
        CloudRunExecution? execution = null;
        await Eventually.HoldsAsync(async () => (execution = await h.Services.GetJobs().GetExecutionAsync(name)) is null || execution.IsTerminal, name + " ended");
        return execution;
    }
}
