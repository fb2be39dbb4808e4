using System.Text.Json;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Judging;
using Orchestration.Durable;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

public sealed class BatchWorkflowTests
{
    private const string Success = """{"type": "result", "subtype": "success", "is_error": false, "num_turns": 2, "total_cost_usd": 0.1, "result": "No XSS found."}""";
    private const string AuthFailure = """{"type": "result", "subtype": "success", "is_error": true, "num_turns": 1, "total_cost_usd": 0, "result": "Invalid API key · Please run /login"}""";

    private static async Task<BatchAggregate> AggregateAsync(WorkflowHarness h, string batchId) =>
        JsonSerializer.Deserialize<BatchAggregate>((await h.Results.GetAggregateAsync(batchId))!.Value.Span, BatchJson.Options)!;

    [Theory]
    [Engines]
    public async Task Batch_MixedOutcomes_ExactAggregateAndOneRowPerRun(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine, call => (call.TaskId, call.RunIndex) switch
        {
            ("pass-flag", var i) => call.PassAsync(i % 2 == 0 ? "FLAKY test" : "clean"),
            ("mixed", 2) => call.FinishAsync(1, "assertion failed"),
            ("mixed", 3) => call.ClaimAsync(),
            ("mixed", 4) => Task.Run(call.Vanish),
            ("claude", _) => call.FinishAsync(0, "No XSS found.", Success),
            _ => call.PassAsync(),
        });
        var id = await h.SubmitAsync("""
            {"id": "mixed-batch", "tasks": [
              {"id": "pass-flag", "n": 5, "command": "make test", "flag": {"contains": "flaky"}},
              {"id": "mixed", "n": 5, "command": "make check", "timeoutSeconds": 1},
              {"id": "claude", "n": 5, "prompt": "Review this repository for XSS."}]}
            """);

        var done = await h.WaitAsync(id);
        var summary = done.ReadOutputAs<BatchSummary>()!;
        var aggregate = await AggregateAsync(h, id);
        var rows = await h.Results.QueryRunsAsync(new RunQuery(id));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(new BatchSummary(id, BatchStatus.Completed, 15, 12, 1, 1, 1, 0, 3, null), summary);
        Assert.Equal([5, 5, 5], aggregate.Tasks.Select(t => t.Runs));
        Assert.Equal(3, aggregate.Tasks[0].Flagged["flag"]);
        Assert.Equal(new[] { 2, 1, 1, 1, 0 }, new[] { aggregate.Tasks[1].Passed, aggregate.Tasks[1].Failed, aggregate.Tasks[1].TimedOut, aggregate.Tasks[1].Errored, aggregate.Tasks[1].Cancelled });
        Assert.Equal(0.5m, aggregate.Tasks[2].Cost.ClaudeUsd);
        Assert.Equal(15, rows.Items.Count);
        var errored = rows.Items.Single(r => r.Outcome == RunOutcome.Errored);
        Assert.Equal(3, errored.Attempts);
        Assert.Equal(["lost", "lost", "errored"], errored.AttemptLog.Select(a => a.Result));
        Assert.Equal(4 + 3, h.StartsOf("mixed"));
        Assert.Equal(BatchStatus.Completed, (await h.Batches.GetAsync(id))!.Status);
    }

    [Theory]
    [Engines]
    public async Task Batch_FailedCommand_NeverRetried(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.FinishAsync(3, "boom"));
        var id = await h.SubmitAsync("""{"id": "fails", "tasks": [{"id": "t", "n": 4, "command": "false", "maxAttempts": 5}]}""");

        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;

        Assert.Equal(4, summary.Failed);
        Assert.Equal(4, h.StartsOf("t"));
    }

    [Theory]
    [Engines]
    public async Task Batch_ThrottledStarts_WaitAndSucceedWithoutSpendingAttempts(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine);
        h.CloudRun.ThrottleNext(Enumerable.Repeat(TimeSpan.FromMilliseconds(20), 6).ToArray());
        var id = await h.SubmitAsync("""{"id": "throttled", "tasks": [{"id": "t", "n": 3, "command": "true", "maxAttempts": 1}]}""");

        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;
        var rows = await h.Results.QueryRunsAsync(new RunQuery(id));

        Assert.Equal(3, summary.Passed);
        Assert.All(rows.Items, r => Assert.Equal(1, r.Attempts));
        Assert.Equal(3, h.CloudRun.Starts);
    }

    [Theory]
    [Engines(4, 10)]
    [Engines(4, 3)]
    [Engines(5, 2)]
    public async Task Batch_MaxParallelRuns_NeverExceededAcrossChunks(EngineKind engine, int maxParallel, int chunkSize)
    {
        await using var h = await WorkflowHarness.StartAsync(engine, async call =>
        {
            await call.DelayAsync(TimeSpan.FromMilliseconds(150));
            await call.PassAsync();
        });
        var id = await h.SubmitAsync($$"""{"id": "bounded", "maxParallelRuns": {{maxParallel}}, "tasks": [{"id": "a", "n": 15, "command": "x"}, {"id": "b", "n": 9, "command": "y"}]}""",
            WorkflowHarness.FastSettings with { ChunkSize = chunkSize });

        var summary = (await h.WaitAsync(id, 120)).ReadOutputAs<BatchSummary>()!;

        Assert.Equal(24, summary.Passed);
        Assert.InRange(h.MaxInFlight, 1, maxParallel);
    }

    [Theory]
    [Engines]
    public async Task Batch_CancelWhileRunning_CancelledAggregateAndNoExecutionLeftRunning(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.ClaimAsync());
        var id = await h.SubmitAsync("""{"id": "cancel-me", "maxParallelRuns": 3, "tasks": [{"id": "t", "n": 10, "command": "sleep 600", "timeoutSeconds": 600}]}""");
        await WaitUntilAsync(() => h.CloudRun.Starts >= 3);

        await h.Client.RaiseEventAsync(id, Events.Cancel, "stop");
        var done = await h.WaitAsync(id);
        var summary = done.ReadOutputAs<BatchSummary>()!;

        Assert.Equal(BatchStatus.Cancelled, summary.Status);
        Assert.Equal(10, summary.Cancelled);
        Assert.Equal("Cancelled by a client.", summary.Reason);
        Assert.All(h.CloudRun.Executions, e => Assert.True(e.IsTerminal, e.Name));
        Assert.Equal(3, h.CloudRun.Starts);
        Assert.Equal(BatchStatus.Cancelled, (await h.Batches.GetAsync(id))!.Status);
    }

    [Theory]
    [Engines]
    public async Task Batch_RepeatedAuthFailures_CircuitBreakerFailsBatch(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.FinishAsync(1, "", AuthFailure));
        var id = await h.SubmitAsync("""{"id": "bad-key", "maxParallelRuns": 2, "tasks": [{"id": "review", "n": 40, "prompt": "Review."}]}""");

        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;

        Assert.Equal(BatchStatus.Failed, summary.Status);
        Assert.StartsWith("Stopped early: 3 runs hit the same batch-level fault (Authentication)", summary.Reason, StringComparison.Ordinal);
        Assert.True(h.StartsOf("review") < 40, $"{h.StartsOf("review")} starts: the breaker should stop launches");
        Assert.Equal(40, summary.Runs);
        Assert.Equal(BatchStatus.Failed, (await h.Batches.GetAsync(id))!.Status);
    }

    [Theory]
    [Engines]
    public async Task Batch_PreparationFails_FailedWithReason(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine);
        var id = await h.SubmitAsync($$"""{"id": "no-bundle", "tasks": [{"id": "t", "command": "x", "inputs": {"b": {"bundle": "{{new string('e', 64)}}"} } }]}""");

        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;

        Assert.Equal(BatchStatus.Failed, summary.Status);
        Assert.Contains("was never uploaded", summary.Reason, StringComparison.Ordinal);
        Assert.Equal(1, summary.Cancelled);
    }

    [Theory]
    [Engines]
    public async Task Batch_HistoryStatusAndLogs_HoldNoPromptCommandOrSecret(EngineKind engine)
    {
        const string Prompt = "SECRET-PROMPT-TEXT review carefully";
        const string Command = "echo SECRET-COMMAND-TEXT";
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.TaskId == "c" ? call.FinishAsync(0, "ok", Success) : call.PassAsync());
        var id = await h.SubmitAsync($$"""
            {"id": "hygiene", "tasks": [
              {"id": "c", "n": 2, "prompt": "{{Prompt}}", "profile": {"env": {"MODE": "SECRET-ENV-VALUE"} } },
              {"id": "d", "n": 2, "command": "{{Command}}", "inputs": {"f": {"text": "SECRET-INPUT-TEXT"} } } ] }
            """);
        await h.WaitAsync(id);

        var history = await h.DumpDurableStateAsync() + string.Join('\n', h.Logs.Lines);

        Assert.NotEmpty(h.Logs.Lines);
        Assert.Contains("\"batchId\":\"hygiene\"", history, StringComparison.Ordinal); // the payloads are in the dump
        foreach (var needle in new[] { "SECRET-PROMPT-TEXT", "SECRET-COMMAND-TEXT", "SECRET-ENV-VALUE", "SECRET-INPUT-TEXT" })
        {
            Assert.DoesNotContain(needle, history, StringComparison.Ordinal);
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition) => Eventually.HoldsAsync(condition, "condition");
}
