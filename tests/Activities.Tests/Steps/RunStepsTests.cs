using System.Text.Json;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Steps;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Specs;

namespace Orchestration.Activities.Tests.Steps;

/// <summary>StartRun, CheckRun, CancelRun, CollectResult and PersistAggregate over real local stores.</summary>
public sealed class RunStepsTests : IDisposable
{
    private const string Json = """
        {"id": "b1", "tasks": [
          {"id": "unit", "n": 2, "command": "make test", "flags": {"flaky": {"contains": "FLAKY"}, "warned": {"contains": "deprecated", "stream": "stderr"}}},
          {"id": "review", "n": 1, "prompt": "Review.", "profile": {"cpu": "2", "memory": "4Gi"}}]}
        """;

    private static readonly DateTime Started = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);

    private readonly StepsHarness _h = new();
    private BatchPlan _plan = null!;

    public void Dispose() => _h.Dispose();

    private async Task PrepareAsync()
    {
        await _h.SubmitAsync(Json);
        _plan = await new PrepareBatch(_h.Catalog, _h.Batches, _h.Objects, _h.CloudRun, _h.Git, _h.Bundler, _h.Settings, _h.Time).RunAsync(new PrepareBatchInput("b1"));
    }

    private static RunAttempt Attempt(int ordinal, string task, int index, int k = 1) => new("b1", "n1", ordinal, task, index, k);

    private static string Prefix(RunAttempt a) => RunnerContract.AttemptPrefix(a.BatchId, a.Nonce, a.TaskId, a.RunIndex, a.Attempt);

    private StartRun Start() => new(_h.Objects, _h.CloudRun, _h.Settings);

    private CheckRun Check() => new(_h.Objects, _h.CloudRun);

    private CollectResult Collect() => new(_h.Objects, _h.Results, _h.Catalog, _h.Settings, _h.Time);

    private async Task<string> StartAsync(RunAttempt attempt)
    {
        var task = _plan.Tasks[attempt.TaskOrdinal];
        var started = await Start().RunAsync(new StartRunInput(attempt, task.JobId, task.SpecUri, task.TimeoutSeconds));
        return started.Execution!;
    }

    private async Task RunnerWritesAsync(RunAttempt attempt, string execution, int exitCode, string response, string? claude = null, double seconds = 10)
    {
        var prefix = Prefix(attempt);
        var shortName = execution[(execution.LastIndexOf('/') + 1)..];
        await _h.WriteAsync(prefix + "claim", $$"""{"execution": "{{shortName}}", "startedAt": "2026-11-23T12:00:00Z"}""");
        await _h.WriteAsync(prefix + "response.txt", response);
        var claudePart = claude is null ? "" : $$""", "claude": {"version": "2.0.0", "model": "claude-sonnet-4-5", "summary": {{claude}} }""";
        var end = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero).AddSeconds(seconds).ToString("O");
        await _h.WriteAsync(prefix + "result.json", $$"""{"exitCode": {{exitCode}}, "termination": "none", "startedAt": "2026-11-23T12:00:00+00:00", "endedAt": "{{end}}", "runnerVersion": "1"{{claudePart}} }""");
    }

    [Fact]
    public async Task StartRun_Repeated_OneExecutionRecorded()
    {
        await PrepareAsync();
        var attempt = Attempt(0, "unit", 0);

        var first = await StartAsync(attempt);
        var second = await StartAsync(attempt);

        Assert.Equal(first, second);
        Assert.Equal(1, _h.CloudRun.Starts);
        Assert.Equal(first, await _h.ReadAsync(Prefix(attempt) + "execution"));
        var env = _h.CloudRun.Executions.Single().Environment;
        Assert.Equal("gs://test-bucket/runs/b1/n1/unit/0/a1/", env["RUN_PREFIX"]);
        Assert.Equal("gs://test-bucket/runs/b1/n1/unit/spec.json", env["RUN_SPEC_URI"]);
        Assert.Equal("1", env["RUN_ATTEMPT"]);
    }

    [Fact]
    public async Task StartRun_Throttled_NothingRecorded()
    {
        await PrepareAsync();
        _h.CloudRun.ThrottleNext(TimeSpan.FromSeconds(30));
        var task = _plan.Tasks[0];

        var result = await Start().RunAsync(new StartRunInput(Attempt(0, "unit", 0), task.JobId, task.SpecUri, task.TimeoutSeconds));

        Assert.True(result.Throttled);
        Assert.Equal(30, result.RetryAfterSeconds);
        Assert.Null(await _h.ReadAsync(Prefix(Attempt(0, "unit", 0)) + "execution"));
    }

    [Fact]
    public async Task CheckRun_Lifecycle_QueuedWaitingResultReady()
    {
        await PrepareAsync();
        var attempt = Attempt(0, "unit", 0);
        var execution = await StartAsync(attempt);

        var queued = await Check().RunAsync(new CheckRunInput(attempt, execution, CheckExecution: true));
        _h.CloudRun.Set(execution, CloudRunExecutionState.Running);
        var waiting = await Check().RunAsync(new CheckRunInput(attempt, execution, CheckExecution: true));
        var notChecked = await Check().RunAsync(new CheckRunInput(attempt, execution, CheckExecution: false));
        await RunnerWritesAsync(attempt, execution, 0, "ok");
        var ready = await Check().RunAsync(new CheckRunInput(attempt, execution, CheckExecution: false));

        Assert.Equal(AttemptState.Queued, queued.State);
        Assert.Equal(AttemptState.Waiting, waiting.State);
        Assert.Equal(AttemptState.Waiting, notChecked.State);
        Assert.Equal(AttemptState.ResultReady, ready.State);
    }

    [Fact]
    public async Task CheckRun_ClaimedByDuplicate_FollowsClaimantByFullName()
    {
        await PrepareAsync();
        var attempt = Attempt(0, "unit", 0);
        var execution = await StartAsync(attempt);
        var other = execution[..execution.LastIndexOf('/')] + "/other-exec";
        await _h.WriteAsync(Prefix(attempt) + "claim", """{"execution": "other-exec", "startedAt": "2026-11-23T12:00:05Z"}""");

        var running = await Check().RunAsync(new CheckRunInput(attempt, execution, CheckExecution: false));

        Assert.Equal(AttemptState.Running, running.State);
        Assert.Equal(other, running.Execution);
        Assert.Equal(new DateTime(2026, 11, 23, 12, 0, 5, DateTimeKind.Utc), running.ClaimedAt);
    }

    [Theory]
    [InlineData("""{"execution": "other-exec"}""")]
    [InlineData("""{"execution": "other-exec", "startedAt": "soon"}""")]
    [InlineData("not json")]
    public async Task CheckRun_ClaimWithoutReadableTime_RunningWithNoClaimTime(string claim)
    {
        await PrepareAsync();
        var attempt = Attempt(0, "unit", 0);
        var execution = await StartAsync(attempt);
        await _h.WriteAsync(Prefix(attempt) + "claim", claim);

        var running = await Check().RunAsync(new CheckRunInput(attempt, execution, CheckExecution: false));

        Assert.Equal(AttemptState.Running, running.State);
        Assert.Null(running.ClaimedAt);
    }

    [Fact]
    public async Task CheckRun_ClaimKnown_RunningWithoutReadingTheClaimAgain()
    {
        await PrepareAsync();
        var attempt = Attempt(0, "unit", 0);
        var execution = await StartAsync(attempt);
        await _h.WriteAsync(Prefix(attempt) + "claim", """{"execution": "other-exec", "startedAt": "2026-11-23T12:00:05Z"}""");

        var running = await Check().RunAsync(new CheckRunInput(attempt, execution, CheckExecution: false, ClaimKnown: true));

        Assert.Equal(AttemptState.Running, running.State);
        Assert.Null(running.ClaimedAt);
        Assert.Equal(execution, running.Execution);
    }

    [Fact]
    public async Task CheckRun_ResultSeenBeforeClaimKnown_ReportsTheClaimant()
    {
        await PrepareAsync();
        var attempt = Attempt(0, "unit", 0);
        var duplicate = await StartAsync(attempt);
        var claimant = duplicate[..duplicate.LastIndexOf('/')] + "/claimant-exec";
        await RunnerWritesAsync(attempt, claimant, 0, "ok");

        var ready = await Check().RunAsync(new CheckRunInput(attempt, duplicate, CheckExecution: false));
        var checkedReady = await Check().RunAsync(new CheckRunInput(attempt, duplicate, CheckExecution: true));
        var known = await Check().RunAsync(new CheckRunInput(attempt, duplicate, CheckExecution: false, ClaimKnown: true));

        Assert.Equal((AttemptState.ResultReady, claimant), (ready.State, ready.Execution));
        Assert.Equal(new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc), ready.ClaimedAt);
        Assert.Equal((AttemptState.ResultReady, claimant), (checkedReady.State, checkedReady.Execution));
        Assert.Equal((AttemptState.ResultReady, duplicate, null), (known.State, known.Execution, known.ClaimedAt));
    }

    [Fact]
    public async Task CheckRun_ExecutionEndedWithoutResult_Lost()
    {
        await PrepareAsync();
        var attempt = Attempt(0, "unit", 0);
        var execution = await StartAsync(attempt);
        _h.CloudRun.Set(execution, CloudRunExecutionState.Failed, "Image pull failed");

        var lost = await Check().RunAsync(new CheckRunInput(attempt, execution, CheckExecution: true));

        Assert.Equal(AttemptState.Lost, lost.State);
        Assert.Equal("The execution ended (failed) without a result: Image pull failed.", lost.Reason);
    }

    [Fact]
    public async Task CheckRun_ExecutionExpired_LostUnlessResultExists()
    {
        await PrepareAsync();
        var attempt = Attempt(0, "unit", 0);
        var execution = await StartAsync(attempt);
        _h.CloudRun.Expire(execution);

        var lost = await Check().RunAsync(new CheckRunInput(attempt, execution, CheckExecution: true));

        Assert.Equal(AttemptState.Lost, lost.State);
        Assert.Equal("The execution no longer exists and left no result.", lost.Reason);
    }

    [Fact]
    public async Task CancelRun_RunningAndFinished_OnlyRunningCancelled()
    {
        await PrepareAsync();
        var running = await StartAsync(Attempt(0, "unit", 0));
        var finished = await StartAsync(Attempt(0, "unit", 1));
        _h.CloudRun.Set(finished, CloudRunExecutionState.Succeeded);

        var any = await new CancelRun(_h.CloudRun, _h.Objects).RunAsync(new CancelRunInput([running, finished, "projects/p/locations/r/jobs/x/executions/gone"]));

        Assert.True(any);
        Assert.Equal(1, _h.CloudRun.Cancels);
    }

    [Fact]
    public async Task StartPack_TwoAttempts_ManifestByReferenceOneExecutionAndARepeatStartsNoOther()
    {
        await PrepareAsync();
        var task = _plan.Tasks[0];
        var input = new StartPackInput("c0-p0", task.JobId, task.TimeoutSeconds, [new PackEntry(Attempt(0, "unit", 0), task.SpecUri), new PackEntry(Attempt(0, "unit", 1), task.SpecUri)]);

        var first = await new StartPack(_h.Objects, _h.CloudRun, _h.Settings).RunAsync(input);
        var again = await new StartPack(_h.Objects, _h.CloudRun, _h.Settings).RunAsync(input);
        await using var manifest = await _h.Objects.GetAsync(RunnerContract.PackPrefix("b1", "n1", "c0-p0") + RunnerContract.PackManifestObject);

        Assert.Equal(first.Execution, again.Execution);
        Assert.Equal(1, _h.CloudRun.Starts);
        var execution = Assert.Single(_h.CloudRun.Executions);
        Assert.Equal(2, execution.TaskCount);
        Assert.Equal(_h.Settings.Value.Uri(RunnerContract.PackPrefix("b1", "n1", "c0-p0") + RunnerContract.PackManifestObject), execution.Environment[RunnerContract.PackManifestVariable]);
        Assert.False(execution.Environment.ContainsKey(RunnerContract.PrefixVariable));
        Assert.Equal(
            $"b1:t0:r0\t1\t{task.SpecUri}\t{_h.Settings.Value.Uri(Prefix(Attempt(0, "unit", 0)))}\nb1:t0:r1\t1\t{task.SpecUri}\t{_h.Settings.Value.Uri(Prefix(Attempt(0, "unit", 1)))}\n",
            System.Text.Encoding.UTF8.GetString(await manifest!.ReadAllBytesAsync()));
    }

    [Fact]
    public async Task StartPack_IdAlreadyNamingOtherAttempts_RefusedAndNothingStarted()
    {
        await PrepareAsync();
        var task = _plan.Tasks[0];
        await _h.WriteAsync(RunnerContract.PackPrefix("b1", "n1", "c0-p1") + RunnerContract.PackManifestObject, "b1:t0:r9\t1\tgs://x/spec.json\tgs://x/runs/b1/n1/unit/9/a1/\n");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => new StartPack(_h.Objects, _h.CloudRun, _h.Settings)
            .RunAsync(new StartPackInput("c0-p1", task.JobId, task.TimeoutSeconds, [new PackEntry(Attempt(0, "unit", 0), task.SpecUri)])));

        Assert.Contains("c0-p1", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, _h.CloudRun.Starts);
    }

    [Fact]
    public async Task CancelRun_PackedAttempt_MarkerWrittenOnceAndNoExecutionCancelled()
    {
        await PrepareAsync();
        var attempt = Attempt(0, "unit", 2);

        var first = await new CancelRun(_h.CloudRun, _h.Objects).RunAsync(new CancelRunInput([], [attempt]));
        var again = await new CancelRun(_h.CloudRun, _h.Objects).RunAsync(new CancelRunInput([], [attempt]));

        Assert.True(first);
        Assert.False(again);
        Assert.NotNull(await _h.Objects.GetMetadataAsync(RunnerContract.AttemptPrefix(attempt.BatchId, attempt.Nonce, attempt.TaskId, attempt.RunIndex, attempt.Attempt) + "cancel"));
        Assert.Equal(0, _h.CloudRun.Cancels);
    }

    [Fact]
    public async Task CollectResult_PassWithFlag_OneRowEvenWhenRepeated()
    {
        await PrepareAsync();
        var attempt = Attempt(0, "unit", 0);
        var execution = await StartAsync(attempt);
        await RunnerWritesAsync(attempt, execution, 0, "all good but FLAKY once", seconds: 100);

        var summary = await Collect().RunAsync(new CollectResultInput(attempt, execution, []));
        await Collect().RunAsync(new CollectResultInput(attempt, execution, []));
        var rows = await _h.Results.QueryRunsAsync(new RunQuery("b1"));

        Assert.Equal(RunOutcome.Passed, summary.Outcome);
        Assert.Equal(["flaky"], summary.Flags);
        Assert.False(summary.Retryable);
        var row = Assert.Single(rows.Items);
        Assert.Equal(1, row.Attempts);
        Assert.Equal(100m, row.VcpuSeconds);
        Assert.Equal(200m, row.GibSeconds);
        Assert.Equal((100m * 0.000018m) + (200m * 0.000002m), row.CostUsd);
        Assert.Equal(0, row.ExitCode);
    }

    [Fact]
    public async Task CollectResult_StderrRule_ReadsStderrNotTheResponse()
    {
        await PrepareAsync();
        var onStderr = Attempt(0, "unit", 0);
        var inResponse = Attempt(0, "unit", 1);
        var first = await StartAsync(onStderr);
        var second = await StartAsync(inResponse);
        await RunnerWritesAsync(onStderr, first, 0, "all good");
        await _h.WriteAsync(Prefix(onStderr) + "stderr.txt", "warning: API is DEPRECATED\n");
        await RunnerWritesAsync(inResponse, second, 0, "deprecated is only in stdout");
        await _h.WriteAsync(Prefix(inResponse) + "stderr.txt", "");

        var flagged = await Collect().RunAsync(new CollectResultInput(onStderr, first, []));
        var clean = await Collect().RunAsync(new CollectResultInput(inResponse, second, []));

        Assert.Equal(["warned"], flagged.Flags);
        Assert.Empty(clean.Flags);
    }

    [Fact]
    public async Task CollectResult_CommandFailed_FailNotRetryable()
    {
        await PrepareAsync();
        var attempt = Attempt(0, "unit", 1);
        var execution = await StartAsync(attempt);
        await RunnerWritesAsync(attempt, execution, 2, "boom");

        var summary = await Collect().RunAsync(new CollectResultInput(attempt, execution, []));

        Assert.Equal(RunOutcome.Failed, summary.Outcome);
        Assert.False(summary.Retryable);
    }

    [Fact]
    public async Task CollectResult_ClaudeOverloadThenSuccess_TwoAttemptsInOneRowWithSummedCost()
    {
        await PrepareAsync();
        var first = Attempt(1, "review", 0, 1);
        var firstExecution = await StartAsync(first);
        await RunnerWritesAsync(first, firstExecution, 1, "", """{"type": "result", "subtype": "success", "is_error": true, "result": "API Error: 529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}", "total_cost_usd": 0.01}""");
        var overloaded = await Collect().RunAsync(new CollectResultInput(first, firstExecution, []));
        var second = Attempt(1, "review", 0, 2);
        var secondExecution = await StartAsync(second);
        await RunnerWritesAsync(second, secondExecution, 0, "No XSS found.", """{"type": "result", "subtype": "success", "is_error": false, "result": "No XSS found.", "total_cost_usd": 0.25, "num_turns": 3}""");

        var passed = await Collect().RunAsync(new CollectResultInput(second, secondExecution, []));
        var row = await _h.Results.GetRunAsync("b1", 1, 0);

        Assert.Equal(RunOutcome.Errored, overloaded.Outcome);
        Assert.True(overloaded.Retryable);
        Assert.Equal(RunOutcome.Passed, passed.Outcome);
        Assert.Equal(2, row!.Attempts);
        Assert.Equal(["errored", "passed"], row.AttemptLog.Select(a => a.Result));
        Assert.Equal(0.26m, row.ClaudeCostUsd);
    }

    [Fact]
    public async Task CollectResult_OverloadThenSuccess_RunJudgedOnlyWithItsFinalRow()
    {
        await PrepareAsync();
        var first = Attempt(1, "review", 0, 1);
        var firstExecution = await StartAsync(first);
        await RunnerWritesAsync(first, firstExecution, 1, "", """{"type": "result", "subtype": "success", "is_error": true, "result": "API Error: 529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}", "total_cost_usd": 0.01}""");
        await Collect().RunAsync(new CollectResultInput(first, firstExecution, []));
        var whileRetrying = await _h.Results.QueryJudgedAsync(new JudgedRunQuery("b1"));
        var second = Attempt(1, "review", 0, 2);
        var secondExecution = await StartAsync(second);
        await RunnerWritesAsync(second, secondExecution, 0, "No XSS found.", """{"type": "result", "subtype": "success", "is_error": false, "result": "No XSS found.", "total_cost_usd": 0.25, "num_turns": 3}""");

        await Collect().RunAsync(new CollectResultInput(second, secondExecution, []));
        var judged = await _h.Results.QueryJudgedAsync(new JudgedRunQuery("b1", whileRetrying.Next));

        Assert.Empty(whileRetrying.Items);
        var row = Assert.Single(judged.Items);
        Assert.Equal((RunOutcome.Passed, 2, false), (row.Outcome, row.Attempts, row.Retrying));
    }

    [Fact]
    public async Task CollectResult_NoResultWithFallback_RecordsFallbackAndLostAttempts()
    {
        await PrepareAsync();
        var attempt = Attempt(0, "unit", 1, 3);
        var lost = new EarlierAttempt(1, "e1", AttemptResult.Lost, "no claim within the start grace");
        var lost2 = new EarlierAttempt(2, "e2", AttemptResult.Lost, "execution ended without a result");

        var summary = await Collect().RunAsync(new CollectResultInput(attempt, "e3", [lost, lost2], RunOutcome.Errored, "3 attempts failed without a result"));
        var row = await _h.Results.GetRunAsync("b1", 0, 1);

        Assert.Equal(RunOutcome.Errored, summary.Outcome);
        Assert.False(summary.Retryable);
        Assert.Equal(3, row!.Attempts);
        Assert.Equal("3 attempts failed without a result", row.Reason);
        Assert.Equal(
            [new AttemptRow(1, "e1", "lost", "no claim within the start grace"), new AttemptRow(2, "e2", "lost", "execution ended without a result"), new AttemptRow(3, "e3", "errored", "3 attempts failed without a result")],
            row.AttemptLog);
    }

    [Fact]
    public async Task PersistAggregate_SomeRunsNeverReported_CountedCancelledAndStatusWritten()
    {
        var (summary, aggregate, stored) = await PersistAfterOneRunAsync(BatchStatus.Cancelled, "cancelled by a client");

        Assert.Equal(new BatchSummary("b1", BatchStatus.Cancelled, 3, 1, 0, 0, 0, 2, 1, "cancelled by a client"), summary);
        Assert.Equal(3, aggregate.Total.Runs);
        Assert.Equal(2, aggregate.Total.Cancelled);
        Assert.Equal(1, aggregate.Tasks[0].Flagged["flaky"]);
        Assert.Equal(Started, aggregate.StartedAt!.Value.UtcDateTime);
        Assert.Equal(BatchStatus.Cancelled, stored!.Status);
        Assert.Equal("cancelled by a client", stored.Reason);
    }

    [Fact]
    public async Task PersistAggregate_StoppedByTheCostCap_NeverReportedRunsCountedSkipped()
    {
        const string Reason = "Stopped by the cost cap: the next run could cost up to $1.00 and $4.50 of the $5.00 cap is spent or reserved.";

        var (summary, aggregate, stored) = await PersistAfterOneRunAsync(BatchStatus.Stopped, Reason);

        Assert.Equal(new BatchSummary("b1", BatchStatus.Stopped, 3, 1, 0, 0, 0, 0, 1, Reason, Skipped: 2), summary);
        Assert.Equal((3, 0, 2), (aggregate.Total.Runs, aggregate.Total.Cancelled, aggregate.Total.Skipped));
        Assert.Equal((BatchStatus.Stopped, Reason), (stored!.Status, stored.Reason));
    }

    // One of the batch's three runs reported (passed, flagged), then the aggregate persisted with this end.
    private async Task<(BatchSummary Summary, BatchAggregate Aggregate, StoredBatch? Stored)> PersistAfterOneRunAsync(BatchStatus status, string reason)
    {
        await PrepareAsync();
        var attempt = Attempt(0, "unit", 0);
        var execution = await StartAsync(attempt);
        await RunnerWritesAsync(attempt, execution, 0, "FLAKY");
        await Collect().RunAsync(new CollectResultInput(attempt, execution, []));
        var summary = await new PersistAggregate(_h.Results, _h.Batches, _h.Catalog, _h.Settings, _h.Time, _h.Objects)
            .RunAsync(new PersistAggregateInput("b1", status, reason, Started, Started.AddMinutes(5)));
        var aggregate = JsonSerializer.Deserialize<BatchAggregate>((await _h.Results.GetAggregateAsync("b1"))!.Value.Span, BatchJson.Options)!;
        return (summary, aggregate, await _h.Batches.GetAsync("b1"));
    }
}
