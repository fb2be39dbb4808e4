using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Storage;
using Orchestration.Activities.Stores;
using Orchestration.Adapters.Google;
using Orchestration.Adapters.Storage;
using Orchestration.Domain;
using Orchestration.Domain.Judging;
using Orchestration.Fakes;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

/// <summary>A batch through the real GCS and Cloud Run REST adapters against the loopback fakes, with
/// faults injected on both: throttling, 503s, slow replies, executions that fail without a result,
/// duplicate and ambiguous <c>:run</c>s, executions gone (404) after they ended. Every run must still be judged right and counted once.</summary>
public sealed class FaultInjectionTests
{
    private const string Token = "fault-token";
    private static int _expired;

    // Embedded engine only: it tests the REST adapters and the judging under faults over 500 runs (about a minute);
    // the SDK runs the workflow scenarios, a 200-run batch among them.
    [Fact]
    public async Task Batch_TwentyPercentFaults_EveryRunJudgedOnceWithRetriesReported()
    {
        await using var gcs = new FakeGcsServer("test-bucket") { RequiredBearerToken = Token };
        await using var run = new FakeCloudRunServer("p", "r") { RequiredBearerToken = Token };
        await gcs.StartAsync();
        await run.StartAsync();
        var worked = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var player = new FakeRunnerPlayer(run, (harness, execution) => PlayRunnerAsync(harness, run, execution, worked));
        await using var h = player.Harness = await WorkflowHarness.StartAsync(EngineKind.Embedded, ports: s => Google(s, gcs, run));
        run.Faults.Seed = 7;
        run.Faults.UnavailableFraction = 0.1;
        run.Faults.ThrottleFraction = 0.05;
        run.Faults.SlowFraction = 0.05;
        run.FailWithoutResultFraction = 0.2;
        run.DuplicateRunFraction = 0.1;
        run.AmbiguousRunFraction = 0.05;
        gcs.Faults.Seed = 8;
        gcs.Faults.UnavailableFraction = 0.1;
        gcs.Faults.ThrottleFraction = 0.05;
        gcs.Faults.SlowFraction = 0.05;

        var id = await h.SubmitAsync("""
            {"id": "faults", "maxParallelRuns": 50, "tasks": [
              {"id": "pass", "n": 250, "command": "true", "maxAttempts": 5},
              {"id": "odd-fails", "n": 250, "command": "test", "maxAttempts": 5}]}
            """, WorkflowHarness.FastSettings with { Polling = WorkflowHarness.FastSettings.Polling with { StartGrace = TimeSpan.FromSeconds(20) } });
        var summary = (await h.WaitAsync(id, 600)).ReadOutputAs<BatchSummary>()!;
        var rows = await RowsAsync(h, id);

        Assert.Equal(BatchStatus.Completed, summary.Status);
        Assert.Equal(500, rows.Count);
        foreach (var row in rows)
        {
            if (row.Outcome == RunOutcome.Errored)
            {
                // Judged right only if every attempt was lost to the infrastructure: attempts 1-4 recorded
                // as lost, the last one as the run's errored verdict.
                Assert.Equal(5, row.Attempts);
                Assert.All(row.AttemptLog.Take(4), a => Assert.Equal("lost", a.Result));
                Assert.Equal("errored", row.AttemptLog[^1].Result);
                Assert.StartsWith("All 5 attempts failed without a judged result.", row.Reason, StringComparison.Ordinal);
                continue;
            }

            var expected = row.TaskId == "odd-fails" && row.RunIndex % 2 == 1 ? RunOutcome.Failed : RunOutcome.Passed;
            Assert.Equal(expected, row.Outcome);
            Assert.Equal(1, worked[$"{row.TaskId}/{row.RunIndex}/a{row.Attempts}"]);
        }

        // The claim lets at most one execution work on an attempt, duplicates and retried starts included.
        Assert.All(worked, w => Assert.Equal(1, w.Value));

        var retries = rows.Sum(r => r.Attempts - 1);
        Assert.True(retries > 0, "20% of executions failing without a result must cost retries");
        Assert.True(run.Executions.Count > 500, "duplicates and retries make more executions than runs");
        Console.WriteLine($"500 runs, {retries} retries ({(double)retries / rows.Count:F2} per run), {run.Executions.Count} executions, " +
            $"{run.TotalCalls} Cloud Run calls, {gcs.TotalCalls} GCS calls, errored {summary.Errored}, {_expired} executions expired (404) after ending");
        Assert.True(_expired > 0, "some executions must be gone (404) when polled");
    }

    // Packed executions under faults: packs of 50; a fifth of tasks die without a result, a fifth of :runs are
    // ambiguous (created, then 503), a fifth start twice, 429s; and the first StartPack of every pack ends right after
    // writing its manifest (as a host dying between the manifest and the start would end it): the repeat finds the
    // manifest and starts the pack. Every run judged right and counted once; each attempt worked by at most one task.
    [Fact]
    public async Task Batch_PackedWithTaskDeathsAmbiguousAndDuplicateStarts_EveryRunJudgedOnce()
    {
        await using var gcs = new FakeGcsServer("test-bucket") { RequiredBearerToken = Token };
        await using var run = new FakeCloudRunServer("p", "r") { RequiredBearerToken = Token };
        await gcs.StartAsync();
        await run.StartAsync();
        var worked = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var manifestsCrashed = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var player = new FakeRunnerPlayer(run, (harness, execution) => PlayPackAsync(harness, run, execution, worked));
        await using var h = player.Harness = await WorkflowHarness.StartAsync(EngineKind.Embedded, ports: s =>
        {
            // Registered before the GCS store's own registration, which only fills an empty slot.
            s.AddSingleton<IObjectStore>(sp => new HookedObjectStore(sp.GetRequiredService<GcsObjectStore>(), (_, _) => Task.CompletedTask, (name, put) =>
            {
                if (name.EndsWith("/manifest.tsv", StringComparison.Ordinal) && manifestsCrashed.TryAdd(name, true))
                {
                    throw new IOException($"The host went away after writing {name}.");
                }
            }));
            Google(s, gcs, run);
        });
        run.Faults.Seed = 11;
        run.Faults.ThrottleFraction = 0.05;
        run.TaskDiesWithoutResultFraction = 0.2;
        run.DuplicateRunFraction = 0.2;
        run.AmbiguousRunFraction = 0.2;
        gcs.Faults.Seed = 12;
        gcs.Faults.UnavailableFraction = 0.05;

        var id = await h.SubmitAsync("""
            {"id": "packed-faults", "maxParallelRuns": 500, "tasks": [
              {"id": "pass", "n": 250, "command": "true", "maxAttempts": 5},
              {"id": "odd-fails", "n": 250, "command": "test", "maxAttempts": 5}]}
            """, WorkflowHarness.FastSettings with
        {
            PackSize = 50,
            PackGatherSeconds = 1,
            Polling = WorkflowHarness.FastSettings.Polling with { StartGrace = TimeSpan.FromSeconds(20) },
        });
        var summary = (await h.WaitAsync(id, 600)).ReadOutputAs<BatchSummary>()!;
        var rows = await RowsAsync(h, id);

        Assert.Equal(BatchStatus.Completed, summary.Status);
        Assert.Equal(500, rows.Count);
        Assert.Equal(500, rows.Select(r => (r.TaskId, r.RunIndex)).Distinct().Count());
        foreach (var row in rows)
        {
            if (row.Outcome == RunOutcome.Errored)
            {
                Assert.Equal(5, row.Attempts);
                Assert.All(row.AttemptLog.Take(4), a => Assert.Equal("lost", a.Result));
                continue;
            }

            var expected = row.TaskId == "odd-fails" && row.RunIndex % 2 == 1 ? RunOutcome.Failed : RunOutcome.Passed;
            Assert.Equal(expected, row.Outcome);
            Assert.Equal(1, worked[$"{row.TaskId}/{row.RunIndex}/a{row.Attempts}"]);
            // A row names its task, unless its last attempt's pack start failed ambiguously (the execution was created,
            // then a 503) and the result its task left anyway was judged: the orchestrator never learned the execution.
            Assert.True(row.Execution is null || row.Execution.Contains("/tasks/", StringComparison.Ordinal), $"{row.TaskId}/{row.RunIndex} names {row.Execution}");
        }

        Assert.True(rows.Count(r => r.Execution is not null) > 450, "most rows name the task that worked them");

        // The claim lets at most one task work on an attempt, duplicate packs and repeated starts included.
        Assert.All(worked, w => Assert.Equal(1, w.Value));
        var retries = rows.Sum(r => r.Attempts - 1);
        var packs = run.Executions.Where(e => !e.IsDuplicate).ToList();
        Assert.True(retries > 0, "a fifth of tasks dying must cost retries");
        Assert.True(manifestsCrashed.Count > 0, "starts ended right after their manifest");
        Assert.All(run.Executions, e => Assert.True(e.TaskCount <= 50, $"{e.Name} has {e.TaskCount} tasks"));
        Assert.True(packs.Count < 100, $"{packs.Count} packs for 500 runs and {retries} retries");
        var startedTwice = run.Executions.GroupBy(e => e.Environment[PackManifest.Variable]).Count(g => g.Count() > 1);
        Assert.True(startedTwice > 0, "some packs ran twice (a duplicated or an ambiguous :run)");
        Console.WriteLine($"packed: 500 runs, {retries} retries, {run.Executions.Count} executions ({packs.Count} packs started, {startedTwice} of them twice), " +
            $"{manifestsCrashed.Count} starts ended after their manifest, {run.TotalCalls} Cloud Run calls, errored {summary.Errored}");
    }

    // The runner's part for each task of a pack but the ones the fake kills: its manifest line's attempt; claim
    // (create-if-absent, naming execution and task), then the work and result.json. A task that loses the claim to
    // another task or execution ends quietly; so does one whose attempt carries a cancel marker.
    private static async Task PlayPackAsync(WorkflowHarness h, FakeCloudRunServer run, FakeExecution execution, ConcurrentDictionary<string, int> worked)
    {
        var store = h.Objects;
        IReadOnlyList<PackManifest.Entry> entries;
        await using (var manifest = await store.GetAsync(PackManifest.ObjectName(execution.Environment[PackManifest.Variable])))
        {
            entries = PackManifest.Parse(Encoding.UTF8.GetString(await manifest!.ReadAllBytesAsync()));
        }

        foreach (var task in execution.Tasks.Where(t => !t.DiesWithoutResult))
        {
            var entry = entries[task.Index];
            var prefix = entry.Prefix;
            var parts = prefix.TrimEnd('/').Split('/');
            var (name, index, attempt) = (parts[3], int.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture), parts[5]);
            var claimText = $$"""{"execution": "{{execution.Id}}", "taskIndex": {{task.Index}}, "startedAt": "{{h.Time.GetUtcNow():O}}"}""";
            var claim = await store.PutIfAbsentAsync(prefix + "claim", Text(claimText));
            if (!claim.Created)
            {
                await using var existing = await store.GetAsync(prefix + "claim");
                using var owner = System.Text.Json.JsonDocument.Parse(await existing!.ReadAllBytesAsync());
                if (owner.RootElement.GetProperty("execution").GetString() != execution.Id || owner.RootElement.GetProperty("taskIndex").GetInt32() != task.Index)
                {
                    run.CompleteTask(execution.Name, task.Index);
                    continue;
                }
            }

            if (await store.GetMetadataAsync(prefix + "cancel") is not null)
            {
                run.CompleteTask(execution.Name, task.Index);
                continue;
            }

            worked.AddOrUpdate($"{name}/{index}/{attempt}", 1, (_, n) => n + 1);
            var exit = name == "odd-fails" && index % 2 == 1 ? 1 : 0;
            var now = h.Time.GetUtcNow().ToString("O");
            await store.PutAsync(prefix + "response.txt", Text("done"));
            await store.PutAsync(prefix + "result.json", Text($$"""{"exitCode": {{exit}}, "termination": "none", "startedAt": "{{now}}", "endedAt": "{{now}}", "runnerVersion": "1", "taskIndex": {{task.Index}}}"""));
            run.CompleteTask(execution.Name, task.Index);
        }
    }

    private static async Task<List<RunRow>> RowsAsync(WorkflowHarness h, string id)
    {
        var rows = new List<RunRow>();
        string? token = null;
        do
        {
            var page = await h.Results.QueryRunsAsync(new RunQuery(id, PageSize: 1000, ContinuationToken: token));
            rows.AddRange(page.Items);
            token = page.ContinuationToken;
        }
        while (token is not null);
        return rows;
    }

    private static void Google(IServiceCollection services, FakeGcsServer gcs, FakeCloudRunServer run)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Google:Http:MaxRetryAttempts"] = "10",
            ["Google:Http:BaseDelay"] = "00:00:00.005",
            ["Google:Http:MaxDelay"] = "00:00:00.050",
            ["Google:Http:AttemptTimeout"] = "00:00:02",
            ["Google:Http:TotalTimeout"] = "00:00:30",
            ["Google:Storage:Bucket"] = gcs.Bucket,
            ["Google:Storage:BaseUrl"] = gcs.BaseUrl.ToString(),
            ["Google:CloudRun:Project"] = run.Project,
            ["Google:CloudRun:Region"] = run.Region,
            ["Google:CloudRun:BaseUrl"] = run.BaseUrl.ToString(),
            ["Google:CloudRun:OperationPollInterval"] = "00:00:00.010",
            ["Google:CloudRun:StartsPerMinute"] = "60000",
            ["Google:CloudRun:StartBurst"] = "1000",
        };
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<IGoogleAccessTokenSource>(new FixedToken());
        services.AddGcsObjectStore();
        services.AddCloudRunJobsClient();
    }

    // The runner's part: claim (create-if-absent), then the work and result.json, or, for an execution the
    // fake marks as failing, end without a result. A duplicate that loses the claim ends quietly.
    private static async Task PlayRunnerAsync(WorkflowHarness h, FakeCloudRunServer run, FakeExecution execution, ConcurrentDictionary<string, int> worked)
    {
        var store = h.Objects;
        var prefix = execution.Environment["RUN_PREFIX"]["gs://test-bucket/".Length..];
        var parts = prefix.TrimEnd('/').Split('/');
        var (task, index, attempt) = (parts[3], int.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture), parts[5]);
        if (execution.FailsWithoutResult)
        {
            run.Complete(execution.Name, succeeded: false, "Container terminated (OOM)");
            ExpireSome(run, execution);
            return;
        }

        var claim = await store.PutIfAbsentAsync(prefix + "claim", Text($$"""{"execution": "{{execution.Id}}", "startedAt": "{{h.Time.GetUtcNow():O}}"}"""));
        if (!claim.Created)
        {
            await using var existing = await store.GetAsync(prefix + "claim");
            var text = Encoding.UTF8.GetString(await existing!.ReadAllBytesAsync());
            if (!text.Contains(execution.Id, StringComparison.Ordinal))
            {
                run.Complete(execution.Name, succeeded: true, "duplicate");
                return;
            }
        }

        worked.AddOrUpdate($"{task}/{index}/{attempt}", 1, (_, n) => n + 1);
        var exit = task == "odd-fails" && index % 2 == 1 ? 1 : 0;
        var now = h.Time.GetUtcNow().ToString("O");
        await store.PutAsync(prefix + "response.txt", Text("done"));
        await store.PutAsync(prefix + "result.json", Text($$"""{"exitCode": {{exit}}, "termination": "none", "startedAt": "{{now}}", "endedAt": "{{now}}", "runnerVersion": "1"}"""));
        run.Complete(execution.Name, succeeded: true);
        ExpireSome(run, execution);
    }

    // Execution 404 after retention: one ended execution in ten is gone before the orchestrator looks at it
    // again. A run with a result must still be judged from it; one without is a lost attempt, retried.
    private static void ExpireSome(FakeCloudRunServer run, FakeExecution execution)
    {
        if (execution.Id.Sum(c => c) % 10 == 0)
        {
            run.Expire(execution.Name);
            Interlocked.Increment(ref _expired);
        }
    }

    private static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    private sealed class FixedToken : IGoogleAccessTokenSource
    {
        public ValueTask<string?> GetAccessTokenAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<string?>(Token);
    }
}
