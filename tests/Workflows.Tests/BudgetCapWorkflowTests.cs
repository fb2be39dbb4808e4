using System.Text.Json;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

/// <summary>The cost cap (<c>maxCostUsd</c>) on both engines: runs start while the judged runs' cost plus one attempt's
/// upper bound per run in flight and for the next run stays within the cap; then nothing more starts, the runs in
/// flight finish, and the batch ends stopped with the rest skipped.</summary>
public sealed class BudgetCapWorkflowTests
{
    // Each run reports $1.00 of Claude plus 2 s of Cloud Run at 1 vCPU / 0.5 GiB ($0.000038): $1.000038.
    private const string Summary = """{"type": "result", "subtype": "success", "is_error": false, "num_turns": 2, "total_cost_usd": 1, "result": "ok"}""";

    // One attempt's upper bound: maxBudgetUsd $1.00 + (60 + 600 + 30) s x $0.000019 = $1.01311. With 2 in flight under
    // $3.50: runs 0 and 1 start (2.03), run 2 starts when run 0 ends (1.00 + 1.01 + 1.01 = 3.03), and when run 1 ends
    // the next would make 2.00 + 1.01 + 1.01 = 4.03: exactly 3 runs, whatever order they end in.
    private static string Batch(string id, string cap) => $$$"""
        {"id": "{{{id}}}", "maxParallelRuns": 2, {{{cap}}} "tasks": [{"id": "review", "n": 8, "prompt": "Review.", "maxBudgetUsd": 1,
          "timeoutSeconds": 60, "maxAttempts": 1, "profile": {"cpu": "1", "memory": "512Mi"}}]}
        """;

    [Theory]
    [Engines(500, 1)]
    [Engines(2, 1)]
    [Engines(500, 4)]
    public async Task Batch_CapAllowsThreeRuns_ThreeJudgedRestSkippedStoppedWithReason_UncappedRunsAll(EngineKind engine, int chunkSize, int packSize)
    {
        // Arrange: the first two runs wait until both are in flight, so the cap is kept with runs in parallel.
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        await using var h = await WorkflowHarness.StartAsync(engine, async call =>
        {
            if (Interlocked.Increment(ref calls) >= 2)
            {
                bothStarted.TrySetResult();
            }

            await call.WaitForAsync(bothStarted.Task);
            await call.FinishAsync(0, "ok", Summary);
        });
        var settings = WorkflowHarness.FastSettings with { ChunkSize = chunkSize, PackSize = packSize, PackGatherSeconds = 1 };

        // Act
        var capped = await h.SubmitAsync(Batch("capped", "\"maxCostUsd\": 3.5,"), settings);
        var summary = (await h.WaitAsync(capped, 120)).ReadOutputAs<BatchSummary>()!;
        var startsCapped = h.StartsOf("review");
        var uncapped = await h.SubmitAsync(Batch("uncapped", ""), settings);
        var all = (await h.WaitAsync(uncapped, 120)).ReadOutputAs<BatchSummary>()!;

        // Assert: exactly three runs started and were judged; five never started.
        const string Reason = "Stopped by the cost cap: the next run could cost up to $1.01311 and $3.013186 of the $3.50 cap is spent or reserved.";
        Assert.Equal(new BatchSummary(capped, BatchStatus.Stopped, 8, 3, 0, 0, 0, 0, 0, Reason, Skipped: 5), summary);
        Assert.Equal(3, startsCapped);
        Assert.Equal(2, h.MaxInFlight);
        Assert.Equal(3, (await h.Results.QueryRunsAsync(new RunQuery(capped))).Items.Count);
        var aggregate = await AggregateAsync(h, capped);
        Assert.Equal((8, 3, 0, 5), (aggregate.Total.Runs, aggregate.Total.Passed, aggregate.Total.Cancelled, aggregate.Total.Skipped));
        Assert.Equal((3, 3), (aggregate.Total.PassRate!.Count, aggregate.Total.PassRate.Total));
        Assert.Equal(3.000114m, aggregate.Total.Cost.TotalUsd);
        Assert.True(aggregate.Total.Cost.TotalUsd <= 3.5m);
        var stored = (await h.Batches.GetAsync(capped))!;
        Assert.Equal((BatchStatus.Stopped, Reason), (stored.Status, stored.Reason));

        // The same batch without a cap runs all eight.
        Assert.Equal(new BatchSummary(uncapped, BatchStatus.Completed, 8, 8, 0, 0, 0, 0, 0, null), all);
        Assert.Equal(3 + 8, h.StartsOf("review"));
        Assert.Equal(0, (await AggregateAsync(h, uncapped)).Total.Skipped);
    }

    [Theory]
    [Engines]
    public async Task Batch_CapBelowOneRun_NothingStartsAllSkipped(EngineKind engine)
    {
        // Arrange
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.FinishAsync(0, "ok", Summary));

        // Act
        var id = await h.SubmitAsync(Batch("tiny", "\"maxCostUsd\": 1,"));
        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;

        // Assert
        Assert.Equal(BatchStatus.Stopped, summary.Status);
        Assert.Equal((8, 0, 0), (summary.Skipped, summary.Cancelled, summary.Passed));
        Assert.Equal("Stopped by the cost cap: the next run could cost up to $1.01311 and $0.00 of the $1.00 cap is spent or reserved.", summary.Reason);
        Assert.Equal(0, h.StartsOf("review"));
    }

    [Theory]
    [Engines]
    public async Task Rejudge_StoppedBatch_NewVersionKeepsTheSkippedRuns(EngineKind engine)
    {
        // Arrange: a batch the cap stopped after one run (one at a time: $1.01 of $1.50, then 1.00 + 1.01 is over).
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.FinishAsync(0, "ok", Summary));
        var id = await h.SubmitAsync(Batch("stopped-rejudged", "\"maxCostUsd\": 1.5,").Replace("\"maxParallelRuns\": 2", "\"maxParallelRuns\": 1", StringComparison.Ordinal));
        Assert.Equal(BatchStatus.Stopped, (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!.Status);

        // Act
        var rejudge = await h.Service.RejudgeAsync(id, System.Text.Encoding.UTF8.GetBytes("""{"tasks": [{"id": "review", "flags": {"ok": {"contains": "ok"}}}]}"""));
        await h.WaitAsync(RejudgeOrchestrator.InstanceId(id, rejudge.Version));

        // Assert: the never-started runs stay skipped, never cancelled.
        var v2 = JsonSerializer.Deserialize<BatchAggregate>((await h.Service.GetResultsVersionAsync(id, rejudge.Version)).Document!.Value.Span, BatchJson.Options)!;
        Assert.Equal((8, 1, 0, 7, 1), (v2.Total.Runs, v2.Total.Passed, v2.Total.Cancelled, v2.Total.Skipped, v2.Total.Flagged["ok"]));
    }

    [Theory]
    [Engines]
    public async Task Batch_CancelDuringACappedBatch_KeepsItsMeaning(EngineKind engine)
    {
        // Arrange: runs hold until cancelled; the cap would allow all of them.
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.ClaimAsync());
        var id = await h.SubmitAsync("""
            {"id": "cancel-capped", "maxParallelRuns": 2, "maxCostUsd": 100, "tasks": [{"id": "review", "n": 8, "prompt": "Review.",
              "maxBudgetUsd": 1, "timeoutSeconds": 3600, "maxAttempts": 1}]}
            """);
        await Eventually.HoldsAsync(() => h.StartsOf("review") >= 2, "two runs started");

        // Act
        await h.Client.RaiseEventAsync(id, Events.Cancel, "stop");
        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;

        // Assert: cancelled, never-started runs cancelled as before, none skipped.
        Assert.Equal((BatchStatus.Cancelled, "Cancelled by a client.", 8, 0), (summary.Status, summary.Reason, summary.Cancelled, summary.Skipped));
    }

    private static async Task<BatchAggregate> AggregateAsync(WorkflowHarness h, string batchId) =>
        JsonSerializer.Deserialize<BatchAggregate>((await h.Results.GetAggregateAsync(batchId))!.Value.Span, BatchJson.Options)!;
}
