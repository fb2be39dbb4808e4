using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Judging;
using Orchestration.Tests.Azurite;
using Orchestration.Tests.Waiting;
using Xunit.Abstractions;

namespace Orchestration.Workflows.Tests.Engines;

[Collection(AzuriteCollection.Name)]
public sealed class AzureStorageBackendTests(AzuriteFixture azurite, ITestOutputHelper output) : IDisposable
{
    private readonly CapturingLoggerProvider _logs = new();

    public void Dispose()
    {
        // The storage provider's and the sidecar's warnings and errors, for a failing test.
        foreach (var line in _logs.Lines)
        {
            output.WriteLine(line);
        }
    }

    private ServiceProvider Services() => new ServiceCollection().AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(_logs).BuildServiceProvider();

    private const string Success = """{"type": "result", "subtype": "success", "is_error": false, "num_turns": 2, "total_cost_usd": 0.1, "result": "No XSS found."}""";

    // The harness's fast settings: the same scenarios, the same timings.
    private static readonly WorkflowSettings Fast = WorkflowHarness.FastSettings;

    private static int _hubs;

    private static string NewHub(string name) => $"{name}{Interlocked.Increment(ref _hubs)}x{Guid.NewGuid():N}"[..30];

    private static void FanOutTasks(DurableTaskRegistry registry)
    {
        registry.AddOrchestratorFunc<int, long>("FanOut", async (context, count) =>
        {
            var squares = await Task.WhenAll(Enumerable.Range(1, count).Select(i => context.CallActivityAsync<long>("Square", i)));
            return squares.Sum();
        });
        registry.AddActivityFunc<int, long>("Square", (_, i) => (long)i * i);
        registry.AddOrchestratorFunc<int, long>("Parent", async (context, count) =>
        {
            var halves = await Task.WhenAll(
                context.CallSubOrchestratorAsync<long>("FanOut", count),
                context.CallSubOrchestratorAsync<long>("FanOut", count));
            return halves.Sum();
        });
    }

    // FANOUT_ACTIVITIES=1000 measures the backend (the time is in the test's output); CI runs the default.
    [Fact]
    public async Task FanOut_Activities_SumsEverySquare()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("FANOUT_ACTIVITIES"), out var n) ? n : 50;
        using var services = Services();
        await using var backend = await AzureStorageBackend.StartAsync(azurite.ConnectionString, NewHub("fan"), services, tasks: FanOutTasks);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var id = await backend.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", count);
        var done = await backend.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true).WaitAsync(TimeSpan.FromSeconds(120 + count));
        output.WriteLine($"{count} activities: {(done.LastUpdatedAt - done.CreatedAt).TotalSeconds:F1} s from creation to completion ({clock.Elapsed.TotalSeconds:F1} s until the client saw it)");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(Enumerable.Range(1, count).Sum(i => (long)i * i), done.ReadOutputAs<long>());
    }

    [Fact]
    public async Task SubOrchestrations_TwoChildren_ParentReadsTheirHistoryBack()
    {
        using var services = Services();
        await using var backend = await AzureStorageBackend.StartAsync(azurite.ConnectionString, NewHub("sub"), services, tasks: FanOutTasks);

        var id = await backend.Client.ScheduleNewOrchestrationInstanceAsync("Parent", 5);
        var done = await backend.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(2 * Enumerable.Range(1, 5).Sum(i => (long)i * i), done.ReadOutputAs<long>());

        // Every history row of the parent is a typed event (the sentinel row holds the checkpoint, not an event).
        var history = new TableClient(azurite.ConnectionString, $"{backend.TaskHub}History");
        var rows = await history.QueryAsync<TableEntity>(filter: TableClient.CreateQueryFilter($"PartitionKey eq {id}")).ToListAsync();
        Assert.Contains(rows, row => row.GetString("EventType") == "SubOrchestrationInstanceCreated");
        Assert.All(rows.Where(row => row.RowKey != "sentinel"), row => Assert.False(string.IsNullOrEmpty(row.GetString("EventType")), $"row {row.RowKey} has no EventType"));
    }

    [Fact]
    public async Task PurgeInstanceIds_OnAzureStorage_ScheduledFoundByPrefixAndPurged()
    {
        // The purge orchestrator's ids (_purge:{batchId}:{nonce}) as Azure Storage keys: scheduled, listed by the
        // purge prefix (and not by a batch's), and purged, as the batch service and PurgeFinishedPurges do.
        using var services = Services();
        await using var backend = await AzureStorageBackend.StartAsync(azurite.ConnectionString, NewHub("pid"), services, tasks: FanOutTasks);
        var ids = new[] { PurgeOrchestrator.InstanceId("b-1", "0a1b2c3d4e5f"), PurgeOrchestrator.InstanceId("purge", "n1") };
        foreach (var id in ids)
        {
            await backend.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", 2, new StartOrchestrationOptions(id));
            await backend.Client.WaitForInstanceCompletionAsync(id).WaitAsync(TimeSpan.FromSeconds(120));
        }

        var byPrefix = await backend.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = PurgeOrchestrator.InstanceIdPrefix }).Select(i => i.InstanceId).ToListAsync();
        var underBatchPurge = await backend.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "purge:" }).ToListAsync();
        var purged = 0;
        foreach (var id in ids)
        {
            purged += (await backend.Client.PurgeInstanceAsync(id)).PurgedInstanceCount;
        }

        Assert.Equal(ids.Order(StringComparer.Ordinal), byPrefix.Order(StringComparer.Ordinal));
        Assert.Empty(underBatchPurge);
        Assert.Equal(2, purged);
        Assert.Null(await backend.Client.GetInstanceAsync(ids[0]));
    }

    [Fact]
    public async Task Batch_MixedOutcomes_ExactAggregateAndOneRowPerRun()
    {
        await using var h = await StorageWorkflowSetup.StartAsync(azurite.ConnectionString, NewHub("mixed"), call => (call.TaskId, call.RunIndex) switch
        {
            ("pass-flag", var i) => call.PassAsync(i % 2 == 0 ? "FLAKY test" : "clean"),
            ("mixed", 2) => call.FinishAsync(1, "assertion failed"),
            ("mixed", 3) => call.ClaimAsync(),
            ("mixed", 4) => Task.Run(call.Vanish),
            ("claude", _) => call.FinishAsync(0, "No XSS found.", Success),
            _ => call.PassAsync(),
        }, _logs);
        var id = await h.SubmitAsync("""
            {"id": "mixed-batch", "tasks": [
              {"id": "pass-flag", "n": 5, "command": "make test", "flag": {"contains": "flaky"}},
              {"id": "mixed", "n": 5, "command": "make check", "timeoutSeconds": 1},
              {"id": "claude", "n": 5, "prompt": "Review this repository for XSS."}]}
            """, Fast);

        var done = await h.WaitAsync(id);
        var summary = done.ReadOutputAs<BatchSummary>()!;
        var aggregate = await AggregateAsync(h, id);
        var rows = await h.Results.QueryRunsAsync(new RunQuery(id));

        Assert.Equal(Orchestration.Durable.OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(new BatchSummary(id, BatchStatus.Completed, 15, 12, 1, 1, 1, 0, 3, null), summary);
        Assert.Equal([5, 5, 5], aggregate.Tasks.Select(t => t.Runs));
        Assert.Equal(3, aggregate.Tasks[0].Flagged["flag"]);
        Assert.Equal(new[] { 2, 1, 1, 1, 0 }, new[] { aggregate.Tasks[1].Passed, aggregate.Tasks[1].Failed, aggregate.Tasks[1].TimedOut, aggregate.Tasks[1].Errored, aggregate.Tasks[1].Cancelled });
        Assert.Equal(0.5m, aggregate.Tasks[2].Cost.ClaudeUsd);
        Assert.Equal(15, rows.Items.Count);
        var errored = rows.Items.Single(r => r.Outcome == RunOutcome.Errored);
        Assert.Equal(["lost", "lost", "errored"], errored.AttemptLog.Select(a => a.Result));
        Assert.Equal(4 + 3, h.StartsOf("mixed"));
        Assert.Equal(BatchStatus.Completed, (await h.Batches.GetAsync(id))!.Status);
    }

    [Fact]
    public async Task Batch_CancelWhileRunning_CancelledAggregateAndNoExecutionLeftRunning()
    {
        await using var h = await StorageWorkflowSetup.StartAsync(azurite.ConnectionString, NewHub("cancel"), call => call.ClaimAsync(), _logs);
        var id = await h.SubmitAsync("""{"id": "cancel-me", "maxParallelRuns": 3, "tasks": [{"id": "t", "n": 10, "command": "sleep 600", "timeoutSeconds": 600}]}""", Fast);
        await Eventually.HoldsAsync(() => h.CloudRun.Starts >= 3 && h.CloudRun.Gets >= 3, "three runs started and polled");

        await h.Client.RaiseEventAsync(id, Events.Cancel, "stop");
        var done = await h.WaitAsync(id);
        var summary = done.ReadOutputAs<BatchSummary>()!;
        var rows = await h.Results.QueryRunsAsync(new RunQuery(id));

        Assert.Equal(BatchStatus.Cancelled, summary.Status);
        Assert.Equal(10, summary.Cancelled);
        Assert.Equal("Cancelled by a client.", summary.Reason);
        // Only launched runs have a row; the seven never launched count as cancelled in the summary alone.
        Assert.Equal(3, rows.Items.Count);
        Assert.All(rows.Items, r => Assert.Equal((RunOutcome.Cancelled, "Cancelled while running."), (r.Outcome, r.Reason)));
        Assert.All(h.CloudRun.Executions, e => Assert.True(e.IsTerminal, e.Name));
        Assert.Equal(3, h.CloudRun.Starts);
        Assert.Equal(3, h.CloudRun.Cancels);
        Assert.Equal(BatchStatus.Cancelled, (await h.Batches.GetAsync(id))!.Status);
    }

    [Fact]
    public async Task Run_PollLoopContinuesAsNew_NewExecutionsOnTheTaskHubAndTheRunPasses()
    {
        var settings = Fast with { Polling = Fast.Polling with { PollsPerEpisode = 3, StartGrace = TimeSpan.FromMinutes(5) } };
        var executions = new HashSet<string>(StringComparer.Ordinal);
        StorageWorkflowSetup? setup = null;
        await using var h = setup = await StorageWorkflowSetup.StartAsync(azurite.ConnectionString, NewHub("poll"), async call =>
        {
            await call.ClaimAsync();
            var instances = new TableClient(azurite.ConnectionString, $"{setup!.Backend.TaskHub}Instances");
            await Eventually.HoldsAsync(
                async () =>
                {
                    // The run's row names the execution that runs now: a new one for each episode.
                    var row = await instances.GetEntityIfExistsAsync<TableEntity>("long:t0:r0", "");
                    if (row.HasValue && row.Value!.GetString("ExecutionId") is { } execution)
                    {
                        executions.Add(execution);
                    }

                    return executions.Count >= 3;
                },
                "the run's poll loop continued as new twice",
                TimeSpan.FromSeconds(120));

            await call.PassAsync();
        }, _logs);
        var id = await h.SubmitAsync("""{"id": "long", "tasks": [{"id": "t", "command": "x", "timeoutSeconds": 3600}]}""", settings);

        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;
        var row = (await h.Results.GetRunAsync(id, 0, 0))!;

        Assert.True(executions.Count >= 3, $"{executions.Count} executions of the run seen; each episode of 3 polls should be a new one");
        Assert.Equal(1, summary.Passed);
        Assert.Equal((RunOutcome.Passed, 1), (row.Outcome, row.Attempts));
        Assert.Equal(1, h.CloudRun.Starts);
    }

    [Fact]
    public async Task Batch_WorkerStoppedMidBatchAndANewOneStarted_EveryRunCountedOnce()
    {
        var release = new TaskCompletionSource();
        var runs = 0;
        await using var h = await StorageWorkflowSetup.StartAsync(azurite.ConnectionString, NewHub("restart"), async call =>
        {
            if (!await call.ClaimFirstAsync())
            {
                return;
            }

            // Half the runs finish at once; the others wait until the first worker has gone.
            if (Interlocked.Increment(ref runs) > 6)
            {
                await release.Task;
            }

            await call.PassAsync();
        }, _logs, configure: settings =>
        {
            // What the first worker took and never finished comes back to the next one after this.
            settings.ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(20);
            settings.WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(20);
        });
        var id = await h.SubmitAsync("""{"id": "restart", "maxParallelRuns": 4, "tasks": [{"id": "a", "n": 8, "command": "x"}, {"id": "b", "n": 4, "command": "y"}]}""", Fast);
        await Eventually.HoldsAsync(() => Volatile.Read(ref runs) > 6, "more than six runs started");

        await h.Backend.StopWorkerAsync();
        var recordedBeforeRestart = (await h.Results.QueryRunsAsync(new RunQuery(id))).Items.Count;
        release.SetResult();
        await h.Backend.StartWorkerAsync();
        var done = await h.WaitAsync(id, 300);
        var summary = done.ReadOutputAs<BatchSummary>()!;
        var aggregate = await AggregateAsync(h, id);
        var rows = await h.Results.QueryRunsAsync(new RunQuery(id));

        Assert.InRange(recordedBeforeRestart, 0, 11);
        Assert.Equal(2, h.Backend.Generation);
        Assert.Equal(Orchestration.Durable.OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal((12, 12), (summary.Runs, summary.Passed));
        Assert.Equal([8, 4], aggregate.Tasks.Select(t => t.Runs));
        Assert.Equal([8, 4], aggregate.Tasks.Select(t => t.Passed));
        Assert.Equal(12, rows.Items.Count);
        Assert.Equal(12, rows.Items.Select(r => (r.TaskId, r.RunIndex)).Distinct().Count());
        Assert.All(rows.Items, r => Assert.Equal((RunOutcome.Passed, 1), (r.Outcome, r.Attempts)));
        Assert.All(h.CloudRun.Executions, e => Assert.True(e.IsTerminal, e.Name));
        output.WriteLine($"{h.CloudRun.Starts} executions started for 12 runs; {recordedBeforeRestart} runs recorded before the restart");
    }

    private static async Task<BatchAggregate> AggregateAsync(StorageWorkflowSetup h, string batchId) =>
        JsonSerializer.Deserialize<BatchAggregate>((await h.Results.GetAggregateAsync(batchId))!.Value.Span, BatchJson.Options)!;
}
