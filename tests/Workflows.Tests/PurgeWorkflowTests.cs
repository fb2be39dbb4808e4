using System.Text;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Specs;
using Orchestration.Durable;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows.Service;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

/// <summary>Purge as a durable workflow (<see cref="PurgeOrchestrator"/>) scheduled by the batch service: what it
/// deletes, that it survives a host stop, that it runs once per submission, and that it leaves unfinished batches
/// alone.</summary>
public sealed class PurgeWorkflowTests
{
    [Theory]
    [Engines]
    public async Task Purge_FinishedBatch_PurgeOrchestrationRemovesHistoryObjectsRowsAggregateAndRecord(EngineKind engine)
    {
        // Arrange
        await using var h = await WorkflowHarness.StartAsync(engine);
        var nonce = await RunToEndAsync(h, "gone", """{"id": "gone", "tasks": [{"id": "a", "n": 2, "command": "x"}]}""");
        var prefix = RunnerContract.SubmissionPrefix("gone", nonce);
        Assert.NotEmpty((await h.Objects.ListAsync(prefix)).Items);
        Assert.NotNull(await h.Results.GetAggregateAsync("gone"));

        // Act
        var purge = await h.Service.PurgeAsync("gone");
        var done = await h.WaitAsync(PurgeOrchestrator.InstanceId("gone", nonce));

        // Assert: the batch, its chunk and its two runs purged; objects, rows, aggregate and record gone.
        Assert.Equal(BatchActionResult.Accepted, purge);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var summary = done.ReadOutputAs<PurgeSummary>()!;
        Assert.Equal(4, summary.Instances);
        Assert.True(summary.Objects > 0);
        Assert.True(summary.HadAggregate);
        Assert.True(summary.RecordDeleted);
        foreach (var instance in new[] { "gone", "gone:c0", "gone:t0:r0", "gone:t0:r1" })
        {
            Assert.Null(await h.Client.GetInstanceAsync(instance));
        }

        Assert.Empty((await h.Objects.ListAsync(prefix)).Items);
        Assert.Empty((await h.Results.QueryRunsAsync(new RunQuery("gone"))).Items);
        Assert.Null(await h.Results.GetAggregateAsync("gone"));
        Assert.Null(await h.Batches.GetAsync("gone"));
        Assert.Equal(BatchActionResult.NotFound, await h.Service.PurgeAsync("gone"));
    }

    [Fact]
    public async Task Purge_HostStoppedMidway_CompletesAfterRestartOnTheSameFiles()
    {
        // Arrange: a finished batch whose purge is held in its object step.
        var h = await WorkflowHarness.StartAsync(EngineKind.Embedded);
        string root;
        string nonce;
        BatchStatus? stillPurging;
        bool historyPurged;
        int objectsLeft;
        try
        {
            nonce = await RunToEndAsync(h, "crash", """{"id": "crash", "tasks": [{"id": "a", "n": 2, "command": "x"}]}""");
            var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            h.BeforeDeleteByPrefix = async (_, cancellationToken) =>
            {
                entered.TrySetResult();
                // Held until the host stops: the engine then cancels the step, which is not acknowledged.
                await Task.Delay(Timeout.Infinite, cancellationToken);
            };
            Assert.Equal(BatchActionResult.Accepted, await h.Service.PurgeAsync("crash"));
            await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
            root = h.Root;

            // Where the purge stands when the host stops (read here: the new host resumes it as soon as it starts).
            stillPurging = (await h.Batches.GetAsync("crash"))?.Status;
            historyPurged = await h.Client.GetInstanceAsync("crash") is null;
            objectsLeft = (await h.Objects.ListAsync(RunnerContract.SubmissionPrefix("crash", nonce))).Items.Count;
        }
        finally
        {
            // Act (1): the host stops under the purge.
            await h.StopAsync();
        }

        // Act (2): a new host on the same SQLite files and objects.
        await using var restarted = await WorkflowHarness.StartAsync(EngineKind.Embedded, root: root);
        var rescheduled = await restarted.Service.RepairAsync();
        var done = await restarted.WaitAsync(PurgeOrchestrator.InstanceId("crash", nonce));

        // Assert: stopped after the history step and before the objects; the engine resumed the same purge (the
        // repair at start found it running and scheduled nothing), which then finished.
        Assert.Equal(BatchStatus.Purging, stillPurging);
        Assert.True(historyPurged);
        Assert.True(objectsLeft > 0);
        Assert.Equal(0, rescheduled);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Null(await restarted.Batches.GetAsync("crash"));
        Assert.Empty((await restarted.Objects.ListAsync(RunnerContract.SubmissionPrefix("crash", nonce))).Items);
        Assert.Null(await restarted.Results.GetAggregateAsync("crash"));
    }

    [Theory]
    [Engines]
    public async Task Purge_Twice_OnePurgeOrchestration(EngineKind engine)
    {
        // Arrange: the first purge held in its object step while the second request comes.
        await using var h = await WorkflowHarness.StartAsync(engine);
        var nonce = await RunToEndAsync(h, "twice", """{"id": "twice", "tasks": [{"id": "a", "command": "x"}]}""");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deletes = 0;
        h.BeforeDeleteByPrefix = async (_, cancellationToken) =>
        {
            Interlocked.Increment(ref deletes);
            await release.Task.WaitAsync(cancellationToken);
        };

        // Act
        var first = await h.Service.PurgeAsync("twice");
        await Eventually.HoldsAsync(() => Volatile.Read(ref deletes) == 1, "the first purge reached its object step");
        var second = await h.Service.PurgeAsync("twice");
        var purges = await PurgeInstancesAsync(h);
        release.SetResult();
        var done = await h.WaitAsync(PurgeOrchestrator.InstanceId("twice", nonce));

        // Assert: both accepted, one purge orchestration, one pass through the object step.
        Assert.Equal(BatchActionResult.Accepted, first);
        Assert.Equal(BatchActionResult.Accepted, second);
        Assert.Equal([PurgeOrchestrator.InstanceId("twice", nonce)], purges);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(1, Volatile.Read(ref deletes));
        Assert.Null(await h.Batches.GetAsync("twice"));
    }

    [Theory]
    [Engines]
    public async Task Purge_FailedStep_StaysPurgingAndRepairSchedulesItAgain(EngineKind engine)
    {
        // Arrange: a purge whose object step fails with an error retrying cannot fix.
        await using var h = await WorkflowHarness.StartAsync(engine);
        var nonce = await RunToEndAsync(h, "flaky", """{"id": "flaky", "tasks": [{"id": "a", "command": "x"}]}""");
        h.BeforeDeleteByPrefix = (_, _) => throw new InvalidDataException("The store refused the delete.");
        await h.Service.PurgeAsync("flaky");
        var failed = await h.WaitAsync(PurgeOrchestrator.InstanceId("flaky", nonce));
        var left = await h.Batches.GetAsync("flaky");
        h.BeforeDeleteByPrefix = null;

        // Act
        var repaired = await h.Service.RepairAsync();
        var done = await h.WaitAsync(PurgeOrchestrator.InstanceId("flaky", nonce));

        // Assert: the failed purge left the batch purging (its id still answers conflict); the repair started it
        // again under the same id, and it finished.
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        Assert.Equal(BatchStatus.Purging, left?.Status);
        Assert.Equal(1, repaired);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Null(await h.Batches.GetAsync("flaky"));
        Assert.Empty((await h.Objects.ListAsync(RunnerContract.SubmissionPrefix("flaky", nonce))).Items);
    }

    [Theory]
    [Engines]
    public async Task Purge_RunningBatch_ConflictAndNothingDeleted(EngineKind engine)
    {
        // Arrange: a batch whose run is claimed and never finishes.
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.ClaimAsync());
        await h.Service.SubmitAsync(Encoding.UTF8.GetBytes("""{"id": "busy", "tasks": [{"id": "a", "command": "x", "timeoutSeconds": 600}]}"""));
        await Eventually.HoldsAsync(() => h.CloudRun.Starts == 1, "the run started");
        var prefix = RunnerContract.SubmissionPrefix("busy", (await h.Batches.GetAsync("busy"))!.Nonce);
        var objects = (await h.Objects.ListAsync(prefix)).Items.Select(o => o.Name).ToList();

        // Act
        var purge = await h.Service.PurgeAsync("busy");

        // Assert: refused, and the batch (not purging), every object it had (the runner may add more) and its
        // orchestration are still there, with no purge.
        Assert.Equal(BatchActionResult.Conflict, purge);
        Assert.NotEqual(BatchStatus.Purging, (await h.Batches.GetAsync("busy"))!.Status);
        Assert.NotEmpty(objects);
        Assert.Empty(objects.Except((await h.Objects.ListAsync(prefix)).Items.Select(o => o.Name)));
        Assert.False((await h.Client.GetInstanceAsync("busy"))!.IsCompleted);
        Assert.Empty(await PurgeInstancesAsync(h));
        await h.Service.CancelAsync("busy");
        await h.WaitAsync("busy");
    }

    [Theory]
    [Engines]
    public async Task Purge_AfterAnEarlierPurge_EarlierPurgeHistoryRemovedLatestKept(EngineKind engine)
    {
        // Arrange: one batch purged to the end.
        await using var h = await WorkflowHarness.StartAsync(engine);
        var first = await RunToEndAsync(h, "one", """{"id": "one", "tasks": [{"id": "a", "command": "x"}]}""");
        await h.Service.PurgeAsync("one");
        await h.WaitAsync(PurgeOrchestrator.InstanceId("one", first));
        var second = await RunToEndAsync(h, "two", """{"id": "two", "tasks": [{"id": "a", "command": "x"}]}""");

        // Act
        await h.Service.PurgeAsync("two");
        await h.WaitAsync(PurgeOrchestrator.InstanceId("two", second));

        // Assert: each purge removes the completed purges before it, so only the latest stays in the task hub.
        Assert.Equal([PurgeOrchestrator.InstanceId("two", second)], await PurgeInstancesAsync(h));
    }

    private static async Task<string> RunToEndAsync(WorkflowHarness h, string id, string json)
    {
        Assert.Equal(SubmitKind.Accepted, (await h.Service.SubmitAsync(Encoding.UTF8.GetBytes(json))).Kind);
        await h.WaitAsync(id);
        await Eventually.HoldsAsync(async () => BatchStatusRules.IsFinished((await h.Batches.GetAsync(id))!.Status), $"{id} is finished in the store");
        return (await h.Batches.GetAsync(id))!.Nonce;
    }

    private static async Task<List<string>> PurgeInstancesAsync(WorkflowHarness h)
    {
        var ids = new List<string>();
        await foreach (var instance in h.Client.GetAllInstancesAsync(new OrchestrationQuery(InstanceIdPrefix: PurgeOrchestrator.InstanceIdPrefix)))
        {
            ids.Add(instance.InstanceId);
        }

        return ids;
    }
}
