using System.Text;
using System.Text.Json;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Normalization;
using Orchestration.Domain.Specs;
using Orchestration.Domain.Validation;
using Orchestration.Durable;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows.Service;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

public sealed class BatchServiceTests
{
    private static byte[] Doc(string json) => Encoding.UTF8.GetBytes(json);

    [Theory]
    [Engines]
    public async Task Submit_Valid_CompletesWithStatusDocument(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.PassAsync(call.RunIndex == 0 ? "FLAKY" : "ok"));

        var submitted = await h.Service.SubmitAsync(Doc("""{"id": "svc", "tasks": [{"id": "a", "n": 3, "command": "x", "flag": {"contains": "flaky"}}, {"id": "b", "n": 2, "command": "y"}]}"""));
        await h.WaitAsync("svc");
        var status = await h.Service.GetStatusAsync("svc");

        Assert.Equal(SubmitKind.Accepted, submitted.Kind);
        Assert.True(submitted.Created);
        Assert.NotNull(status);
        Assert.Equal("completed", status.Status);
        Assert.Equal(new ProgressSummary(5, 0, 0, 5), status.Progress);
        Assert.Equal(new[] { "a", "b" }, status.Tasks.Select(t => t.Id));
        Assert.Equal(3, status.Tasks[0].Passed);
        Assert.Equal(1, status.Tasks[0].Flagged["flag"]);
    }

    [Theory]
    [Engines]
    public async Task WaitForEnd_BatchRunning_CompletesOnlyOnceItEndsWithItsStatusFinal(EngineKind engine)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await WorkflowHarness.StartAsync(engine, async call =>
        {
            started.TrySetResult();
            await release.Task;
            await call.PassAsync();
        });
        await h.Service.SubmitAsync(Doc("""{"id": "ends", "tasks": [{"id": "a", "n": 2, "command": "x"}]}"""));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var end = h.Service.WaitForEndAsync("ends");
        var endedWhileHeld = end.IsCompleted;
        release.SetResult();
        await end.WaitAsync(TimeSpan.FromSeconds(60));
        var status = await h.Service.GetStatusAsync("ends");

        Assert.False(endedWhileHeld, "a batch whose runs are held has not ended");
        Assert.Equal("completed", status!.Status);
        Assert.Equal(2, status.Tasks.Single().Passed);
    }

    [Theory]
    [Engines]
    public async Task Submit_SameBatchTwice_SameBatchOneOrchestration(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine);
        const string Json = """{"id": "twice", "tasks": [{"id": "a", "n": 2, "command": "x"}]}""";

        var first = await h.Service.SubmitAsync(Doc(Json));
        await h.WaitAsync("twice");
        var second = await h.Service.SubmitAsync(Doc(Json.Replace("\"n\": 2", "\"n\":2", StringComparison.Ordinal)));

        Assert.True(first.Created);
        Assert.Equal(SubmitKind.Accepted, second.Kind);
        Assert.False(second.Created);
        Assert.Equal(2, h.CloudRun.Starts);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await h.Client.GetInstanceAsync("twice"))!.RuntimeStatus);
    }

    [Theory]
    [Engines]
    public async Task Submit_SameIdOtherContent_Conflict(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine);
        await h.Service.SubmitAsync(Doc("""{"id": "taken", "tasks": [{"id": "a", "command": "x"}]}"""));

        var other = await h.Service.SubmitAsync(Doc("""{"id": "taken", "tasks": [{"id": "a", "command": "y"}]}"""));

        Assert.Equal(SubmitKind.Conflict, other.Kind);
        Assert.Equal("A different batch with id 'taken' exists; choose another id.", other.Reason);
    }

    [Theory]
    [Engines]
    public async Task Submit_Invalid_EveryProblemAndNothingStartedOrStored(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine);

        var result = await h.Service.SubmitAsync(Doc("""{"id": "bad", "tasks": [{"id": "a", "command": "x", "n": 0}, {"id": "a", "prompt": "p"}]}"""));

        Assert.Equal(SubmitKind.Invalid, result.Kind);
        Assert.Equal(["tasks[0].n: Must be between 1 and 1000.", "tasks[1].id: Duplicate task id 'a' (also tasks[0]; ids are compared ignoring case)."], result.Problems.Select(p => p.ToString()));
        Assert.Null(await h.Batches.GetAsync("bad"));
        Assert.Null(await h.Client.GetInstanceAsync("bad"));
    }

    [Theory]
    [Engines]
    public async Task Submit_NoIdSameIdempotencyKey_OneBatch(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine);
        const string Json = """{"tasks": [{"id": "a", "command": "x"}]}""";

        var first = await h.Service.SubmitAsync(Doc(Json), "client-key-1");
        var second = await h.Service.SubmitAsync(Doc(Json), "client-key-1");
        var third = await h.Service.SubmitAsync(Doc(Json), "client-key-2");

        Assert.Equal(first.BatchId, second.BatchId);
        Assert.False(second.Created);
        Assert.NotEqual(first.BatchId, third.BatchId);
        Assert.Equal(BatchIds.FromIdempotencyKey("client-key-1"), first.BatchId);
    }

    [Theory]
    [Engines]
    public async Task Repair_StoredButNeverScheduled_ScheduledAndCompletes(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine);
        var intake = BatchIntake.Read(Doc("""{"id": "orphan", "tasks": [{"id": "a", "n": 2, "command": "x"}]}"""), new BatchLimits(), new BatchDefaults(), () => "x");
        var now = h.Time.GetUtcNow();
        await h.Batches.InsertIfAbsentAsync(new StoredBatch("orphan", intake.Hash!, "n0", BatchStatus.Pending, null, now, now, 2, CanonicalJson.Serialize(intake.Batch!)));

        var repaired = await h.Service.RepairAsync();
        var done = await h.WaitAsync("orphan");

        Assert.Equal(1, repaired);
        Assert.Equal(2, done.ReadOutputAs<Activities.Contracts.BatchSummary>()!.Passed);
        Assert.Equal(0, await h.Service.RepairAsync());
    }

    [Theory]
    [Engines]
    public async Task Cancel_UnknownAndFinished_NotFoundAndConflict(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine);
        await h.Service.SubmitAsync(Doc("""{"id": "done", "tasks": [{"id": "a", "command": "x"}]}"""));
        await h.WaitAsync("done");

        Assert.Equal(BatchActionResult.NotFound, await h.Service.CancelAsync("nope"));
        Assert.Equal(BatchActionResult.Conflict, await h.Service.CancelAsync("done"));
    }

    [Theory]
    [Engines]
    public async Task Cancel_Running_StatusShowsLiveProgressThenCancelled(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.RunIndex < 2 ? call.PassAsync() : call.ClaimAsync());
        await h.Service.SubmitAsync(Doc("""{"id": "live", "maxParallelRuns": 4, "tasks": [{"id": "a", "n": 8, "command": "x", "timeoutSeconds": 600}]}"""));
        BatchStatusDocument? status = null;
        await Eventually.HoldsAsync(async () => (status = await h.Service.GetStatusAsync("live"))?.Progress is { Completed: 2, Running: > 0 }, "two runs completed and one running");

        var cancel = await h.Service.CancelAsync("live");
        await h.WaitAsync("live");
        var final = await h.Service.GetStatusAsync("live");

        Assert.Equal("running", status!.Status);
        Assert.Equal(2, status.Progress.Completed);
        Assert.Equal(2, status.Tasks[0].Passed);
        Assert.InRange(status.Progress.Running, 1, 4);
        Assert.Equal(BatchActionResult.Accepted, cancel);
        Assert.Equal("cancelled", final!.Status);
        Assert.Equal(6, final.Tasks[0].Cancelled);
    }

    [Theory]
    [Engines]
    public async Task Purge_FinishedBatch_EverythingGoneAndIdReusable(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.PassAsync());
        await h.Service.SubmitAsync(Doc("""{"id": "purge-me", "tasks": [{"id": "a", "n": 2, "command": "x"}]}"""));
        await h.WaitAsync("purge-me");
        var nonce = (await h.Batches.GetAsync("purge-me"))!.Nonce;

        var purge = await h.Service.PurgeAsync("purge-me");
        await Eventually.HoldsAsync(async () => await h.Batches.GetAsync("purge-me") is null, "the purge removed the batch row");

        Assert.Equal(BatchActionResult.Accepted, purge);
        Assert.Null(await h.Service.GetStatusAsync("purge-me"));
        Assert.Null(await h.Client.GetInstanceAsync("purge-me"));
        Assert.Null(await h.Client.GetInstanceAsync("purge-me:c0"));
        Assert.Empty((await h.Objects.ListAsync(RunnerContract.SubmissionPrefix("purge-me", nonce))).Items);
        Assert.Empty((await h.Results.QueryRunsAsync(new RunQuery("purge-me"))).Items);
        Assert.True((await h.Service.SubmitAsync(Doc("""{"id": "purge-me", "tasks": [{"id": "b", "command": "y"}]}"""))).Created);
    }

    [Theory]
    [Engines]
    public async Task Purge_RunningBatch_Conflict(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.ClaimAsync());
        await h.Service.SubmitAsync(Doc("""{"id": "busy", "tasks": [{"id": "a", "command": "x", "timeoutSeconds": 600}]}"""));

        Assert.Equal(BatchActionResult.Conflict, await h.Service.PurgeAsync("busy"));
        Assert.Equal(BatchActionResult.NotFound, await h.Service.PurgeAsync("nope"));
        await h.Service.CancelAsync("busy");
        await h.WaitAsync("busy");
    }

    [Theory]
    [Engines]
    public async Task Artifacts_LastAttemptByDefault(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.PassAsync($"response of attempt {call.Attempt}"));
        await h.Service.SubmitAsync(Doc("""{"id": "art", "tasks": [{"id": "a", "command": "x"}]}"""));
        await h.WaitAsync("art");

        var response = await h.Service.GetArtifactAsync("art", "a", 0, "response", null);
        var missing = await h.Service.GetArtifactAsync("art", "a", 5, "response", null);
        var unknown = await h.Service.GetArtifactAsync("art", "a", 0, "secrets", null);

        Assert.NotNull(response);
        await using var content = response.Value.Content;
        Assert.Equal("response of attempt 1", Encoding.UTF8.GetString(await content.ReadAllBytesAsync()));
        Assert.Null(missing);
        Assert.Null(unknown);
    }

    [Theory]
    [Engines]
    public async Task Runs_FilteredByTaskAndOutcome(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.TaskId == "b" && call.RunIndex == 1 ? call.FinishAsync(1, "no") : call.PassAsync());
        await h.Service.SubmitAsync(Doc("""{"id": "rows", "tasks": [{"id": "a", "n": 2, "command": "x"}, {"id": "b", "n": 3, "command": "y", "labels": {"repo": "app"}}]}"""));
        await h.WaitAsync("rows");

        var b = await h.Service.GetRunsAsync("rows", "b", null, null, 100, null);
        var failed = await h.Service.GetRunsAsync("rows", null, RunOutcome.Failed, null, 100, null);

        Assert.Equal([0, 1, 2], b!.Page.Items.Select(r => r.RunIndex));
        Assert.Equal("app", b.TaskLabels[1]["repo"]);
        Assert.Equal(("b", 1), (Assert.Single(failed!.Page.Items).TaskId, failed.Page.Items[0].RunIndex));
        Assert.Null(await h.Service.GetRunsAsync("rows", "zzz", null, null, 100, null));
    }

    [Fact]
    public void CustomStatus_TwoHundredTasks_UnderDurableLimit()
    {
        var counts = ProgressCounts.ForTasks(200);
        for (var task = 0; task < 200; task++)
        {
            for (var run = 0; run < 50; run++)
            {
                counts = counts.Add(task, (RunOutcome)(run % 5), run % 3 == 0);
            }
        }

        var batch = JsonSerializer.Serialize(new BatchProgress("running", 10_000, 10, 20, counts, "Stopped early: 5 runs hit the same batch-level fault (Authentication): Invalid API key"), BatchJson.Options);
        var chunk = JsonSerializer.Serialize(new ChunkProgress(500, counts), BatchJson.Options);

        Assert.InRange(batch.Length, 1, 8_000);
        Assert.InRange(chunk.Length, 1, 8_000);
    }
}
