using System.Text;
using System.Text.Json;
using Orchestration.Domain;
using Orchestration.Domain.Planning;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows.Service;
using Orchestration.Workflows.Tests.Engines;

using static Orchestration.Workflows.Tests.FinishedBatches;

namespace Orchestration.Workflows.Tests;

/// <summary>Rerun as a durable workflow: the runs of a finished batch that ended errored or timed out get new
/// attempts in the same batch, and the batch ends with the counts a batch that never failed gives, as a new results
/// version; the runs that counted are not run again, and the versions before stay as they were.</summary>
public sealed class RerunWorkflowTests
{
    // Run i answers exit i % 3 and one of three texts (pass rule [0, 1]: 4 of 6 pass; "leak" fires on runs 0 and 3).
    private static readonly string[] Responses = ["token: abc", "fine", "nothing"];

    // In batch "flaky", attempt 1 of runs 1 and 4 vanishes (errored) and of run 2 reports its time limit (timed out).
    private static Task Play(RunnerCall call)
    {
        if (call.Prefix.Contains("/flaky/", StringComparison.Ordinal) && call.Attempt == 1 && call.TaskId == "scan")
        {
            switch (call.RunIndex)
            {
                case 1 or 4:
                    call.Vanish();
                    return Task.CompletedTask;
                case 2:
                    return call.FinishAsync(124, "", termination: "timeout");
            }
        }

        return call.FinishAsync(call.RunIndex % 3, Responses[call.RunIndex % 3]);
    }

    [Theory]
    [Engines]
    public async Task Rerun_ErroredAndTimedOutRuns_EndWithTheCountsOfABatchThatNeverFailed_AsANewVersion(EngineKind engine)
    {
        // Arrange: the batch as it first ran (2 errored, 1 timed out), and the same batch where nothing failed.
        await using var h = await WorkflowHarness.StartAsync(engine, runner: Play);
        await RunToEndAsync(h, "flaky", Batch("flaky"));
        await RunToEndAsync(h, "clean", Batch("clean"));
        var before = await ResultsAsync(h, "flaky", null);
        var scanBefore = before.Tasks.Single(t => t.Id == "scan");
        Assert.Equal((2, 1, 6), (scanBefore.Errored, scanBefore.TimedOut, scanBefore.Runs));
        var startsBefore = h.StartsOf("scan");

        // Act
        var rerun = await h.Service.RerunAsync("flaky", ReadOnlyMemory<byte>.Empty, idempotencyKey: null);
        await Eventually.HoldsAsync(async () => await h.Results.GetAggregateVersionAsync("flaky", 2) is not null, "the rerun's results version is written");
        await h.WaitAsync("flaky");

        // Assert: three runs ran again (attempt 2), nothing else; the batch counts as the clean one.
        Assert.Equal((VersionRequestKind.Accepted, 2, 3), (rerun.Kind, rerun.Version, rerun.Runs));
        Assert.Equal(startsBefore + 3, h.StartsOf("scan"));
        var after = await ResultsAsync(h, "flaky", 2);
        var clean = await ResultsAsync(h, "clean", null);
        Assert.Equal(Counts(clean, "scan"), Counts(after, "scan"));
        Assert.Equal(Counts(clean, "other"), Counts(after, "other"));
        Assert.Equal(2, after.Version);
        Assert.Equal(["errored", "timedOut"], after.Rerun!.Outcomes);
        Assert.Equal(3, after.Rerun.Runs);
        Assert.Equal(JsonSerializer.Serialize(after, BatchJson.Options), JsonSerializer.Serialize(await ResultsAsync(h, "flaky", null), BatchJson.Options));

        // Version 1 is the aggregate the batch first ended with.
        Assert.Equal(JsonSerializer.Serialize(before, BatchJson.Options), JsonSerializer.Serialize(await ResultsAsync(h, "flaky", 1), BatchJson.Options));

        // The rerun runs' rows: attempt 2 judged, attempt 1 kept in their log; the batch is completed again.
        foreach (var index in new[] { 1, 2, 4 })
        {
            var row = (await h.Results.GetRunAsync("flaky", 0, index))!;
            Assert.Equal([1, 2], row.AttemptLog.Select(a => a.Attempt));
            Assert.Equal(index == 2 ? "timedOut" : "errored", row.AttemptLog[0].Result);
        }

        // In the judged order (what the run stream and the live page follow), the rerun's runs come last, once each.
        var judged = (await h.Results.QueryJudgedAsync(new Activities.Stores.JudgedRunQuery("flaky", Limit: 100))).Items;
        Assert.Equal(9, judged.Count);
        Assert.Equal([1, 2, 4], judged.TakeLast(3).Where(r => r.TaskOrdinal == 0).Select(r => r.RunIndex).Order());

        var stored = (await h.Batches.GetAsync("flaky"))!;
        Assert.Equal((BatchStatus.Completed, null), (stored.Status, stored.Reason));
        var status = (await h.Service.GetStatusAsync("flaky"))!;
        Assert.Equal("completed", status.Status);
        Assert.Equal(6, status.Tasks.Single(t => t.Id == "scan").Runs);
        Assert.Equal(after.Tasks.Single(t => t.Id == "scan").Passed, status.Tasks.Single(t => t.Id == "scan").Passed);
    }

    [Theory]
    [Engines]
    public async Task Rerun_WhileItRuns_IsLiveCancellableAndRefusesASecondRerunOrARejudge(EngineKind engine)
    {
        // Arrange: the rerun's attempts wait for a gate the test holds.
        var gate = new TaskCompletionSource();
        await using var h = await WorkflowHarness.StartAsync(engine, runner: async call =>
        {
            if (call.Attempt > 1)
            {
                await call.WaitForAsync(gate.Task);
            }

            await Play(call);
        });
        await RunToEndAsync(h, "flaky", Batch("flaky"));

        // Act
        var rerun = await h.Service.RerunAsync("flaky", Encoding.UTF8.GetBytes("""{"outcomes": ["errored"]}"""), idempotencyKey: "k1");
        await Eventually.HoldsAsync(async () => (await h.Batches.GetAsync("flaky"))!.Status == BatchStatus.Running, "the rerun reopens the batch");
        // Live: the 7 runs the rerun keeps count as completed, its 2 runs are in flight.
        await Eventually.HoldsAsync(async () => (await h.Service.GetStatusAsync("flaky"))!.Progress is { Completed: 7, Running: 2 }, "the live status counts the kept runs");
        // The rerun's executions belong to live runs (the run's first orchestration is over, its rerun's is not).
        var (reaped, _) = await h.Reaper.ReapAsync();
        var again = await h.Service.RerunAsync("flaky", ReadOnlyMemory<byte>.Empty, idempotencyKey: null);
        var sameKey = await h.Service.RerunAsync("flaky", ReadOnlyMemory<byte>.Empty, idempotencyKey: "k1");
        var rejudge = await h.Service.RejudgeAsync("flaky", Encoding.UTF8.GetBytes("""{"tasks": [{"id": "scan", "pass": {"exitCodes": [0]}}]}"""));
        var live = (await h.Service.GetStatusAsync("flaky"))!;
        var cancel = await h.Service.CancelAsync("flaky");
        await h.WaitAsync("flaky");
        gate.SetResult();
        await Eventually.HoldsAsync(async () => await h.Results.GetAggregateVersionAsync("flaky", 2) is not null, "the cancelled rerun's version is written");

        // Assert: one rerun; the same key answers it; the live status counts the kept runs.
        Assert.Equal((VersionRequestKind.Accepted, 2, 2), (rerun.Kind, rerun.Version, rerun.Runs));
        Assert.Equal(0, reaped);
        Assert.Equal(VersionRequestKind.Conflict, again.Kind);
        Assert.Contains("running", again.Reason, StringComparison.Ordinal);
        Assert.Equal((VersionRequestKind.Accepted, 2, 2), (sameKey.Kind, sameKey.Version, sameKey.Runs));
        Assert.Equal(VersionRequestKind.Conflict, rejudge.Kind);
        Assert.Equal("running", live.Status);
        Assert.Equal(9, live.Progress.Total);
        Assert.Equal(BatchActionResult.Accepted, cancel);

        // Cancelled: the two rerun runs count as cancelled in version 2; the rest as before.
        var v2 = await ResultsAsync(h, "flaky", 2);
        var scan = v2.Tasks.Single(t => t.Id == "scan");
        Assert.Equal((2, 1, 0), (scan.Cancelled, scan.TimedOut, scan.Errored));
        Assert.Equal(BatchStatus.Cancelled, (await h.Batches.GetAsync("flaky"))!.Status);
    }

    [Fact]
    public async Task Rerun_Refusals_NothingStartedOrStored()
    {
        // Arrange: a batch held running, and one that ended with nothing to rerun.
        var release = new TaskCompletionSource();
        await using var h = await WorkflowHarness.StartAsync(EngineKind.Embedded, runner: async call =>
        {
            if (call.Prefix.Contains("/held/", StringComparison.Ordinal))
            {
                await call.WaitForAsync(release.Task);
            }

            await call.PassAsync();
        });
        await RunToEndAsync(h, "clean", Batch("clean"));
        Assert.Equal(SubmitKind.Accepted, (await h.Service.SubmitAsync(Encoding.UTF8.GetBytes(Batch("held")))).Kind);
        var starts = CleanExecutions(h);

        // Act
        var running = await h.Service.RerunAsync("held", ReadOnlyMemory<byte>.Empty, null);
        var unknown = await h.Service.RerunAsync("nope", ReadOnlyMemory<byte>.Empty, null);
        var nothing = await h.Service.RerunAsync("clean", ReadOnlyMemory<byte>.Empty, null);
        var judged = await h.Service.RerunAsync("clean", Encoding.UTF8.GetBytes("""{"outcomes": ["passed", "sideways"], "tasks": []}"""), null);
        var empty = await h.Service.RerunAsync("clean", Encoding.UTF8.GetBytes("""{"outcomes": []}"""), null);
        release.SetResult();

        // Assert
        Assert.Equal(VersionRequestKind.Conflict, running.Kind);
        Assert.Contains("needs a finished batch", running.Reason, StringComparison.Ordinal);
        Assert.Equal(VersionRequestKind.NotFound, unknown.Kind);
        Assert.Equal(VersionRequestKind.Conflict, nothing.Kind);
        Assert.Equal("Batch 'clean' has no errored or timedOut runs to rerun.", nothing.Reason);
        Assert.Equal(VersionRequestKind.Invalid, judged.Kind);
        Assert.Equal(["outcomes[0]", "outcomes[1]", "tasks"], judged.Problems.Select(p => p.Path));
        Assert.Contains("would bias the rates", judged.Problems[0].Message, StringComparison.Ordinal);
        Assert.Equal(VersionRequestKind.Invalid, empty.Kind);
        Assert.Equal(starts, CleanExecutions(h));
        var nonce = (await h.Batches.GetAsync("clean"))!.Nonce;
        Assert.Empty((await h.Objects.ListAsync(Domain.Specs.RunnerContract.SubmissionPrefix("clean", nonce) + "_versions/")).Items);
        Assert.Null(await h.Results.GetAggregateVersionAsync("clean", 2));
    }

    [Theory]
    [Engines]
    public async Task Rerun_SkippedRunsOfABatchItsCostCapStopped_SpendTheCapLeftAfterTheKeptRuns(EngineKind engine)
    {
        // Arrange: each run costs $1.000038 and reserves $1.01311; a $3.50 cap lets 3 of 6 runs start (2 at a time).
        const string summary = """{"type": "result", "subtype": "success", "is_error": false, "num_turns": 1, "total_cost_usd": 1, "result": "ok"}""";
        await using var h = await WorkflowHarness.StartAsync(engine, runner: call => call.FinishAsync(0, "ok", summary));
        await RunToEndAsync(h, "capped", """
            {"id": "capped", "maxParallelRuns": 2, "maxCostUsd": 3.5, "tasks": [{"id": "review", "n": 6, "prompt": "Review.", "maxBudgetUsd": 1,
              "timeoutSeconds": 60, "maxAttempts": 1, "profile": {"cpu": "1", "memory": "512Mi"}}]}
            """);
        var before = await ResultsAsync(h, "capped", null);
        var starts = h.StartsOf("review");

        // Act: the skipped runs again; the kept runs spent $3.000114, so the next run's $1.01311 does not fit.
        var rerun = await h.Service.RerunAsync("capped", Encoding.UTF8.GetBytes("""{"outcomes": ["skipped"]}"""), null);
        await Eventually.HoldsAsync(async () => await h.Results.GetAggregateVersionAsync("capped", 2) is not null, "the rerun's results version is written");

        // Assert
        Assert.Equal((3, 3), (before.Total.Passed, before.Total.Skipped));
        Assert.Equal((VersionRequestKind.Accepted, 3), (rerun.Kind, rerun.Runs));
        Assert.Equal(starts, h.StartsOf("review"));
        var after = await ResultsAsync(h, "capped", 2);
        Assert.Equal((3, 3, 0), (after.Total.Passed, after.Total.Skipped, after.Total.Cancelled));
        Assert.Equal(["skipped"], after.Rerun!.Outcomes);
        await Eventually.HoldsAsync(async () => (await h.Batches.GetAsync("capped"))!.Status == BatchStatus.Stopped, "the rerun ends stopped by the cap");
        Assert.StartsWith("Stopped by the cost cap", (await h.Batches.GetAsync("capped"))!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Rerun_InstanceIds_KeepTheFirstRunsApart()
    {
        // The rerun's chunk and run instances are new ids under the batch's prefix (purged with it), apart from the
        // first run's, which stay completed; the reaper finds a rerun's live run under the run's prefix.
        var run = new RunRef(2, 7);
        Assert.Equal("b:t2:r7", InstanceIds.Run("b", run, 0));
        Assert.Equal("b:t2:r7:v3", InstanceIds.Run("b", run, 3));
        Assert.StartsWith(InstanceIds.RerunPrefix("b", run), InstanceIds.Run("b", run, 3), StringComparison.Ordinal);
        Assert.False(InstanceIds.Run("b", new RunRef(2, 70), 3).StartsWith(InstanceIds.RerunPrefix("b", run), StringComparison.Ordinal));
        Assert.Equal("b:c1:v3", InstanceIds.Chunk("b", 1, 3));
        Assert.StartsWith(InstanceIds.ChunkPrefix("b"), InstanceIds.Chunk("b", 1, 3), StringComparison.Ordinal);
    }

    private static int CleanExecutions(WorkflowHarness h) =>
        h.CloudRun.Executions.Count(e => e.Environment.Values.Any(v => v.Contains("/clean/", StringComparison.Ordinal)));

    private static string Batch(string id) => $$$$"""
        {"id": "{{{{id}}}}", "tasks": [
          {"id": "scan", "n": 6, "command": "x", "maxAttempts": 1, "pass": {"exitCodes": [0, 1]}, "flags": {"leak": {"contains": "token"}}},
          {"id": "other", "n": 3, "command": "y", "maxAttempts": 1}
        ]}
        """;
}
