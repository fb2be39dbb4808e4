using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Storage;
using Orchestration.Adapters.Google;
using Orchestration.Adapters.Storage;
using Orchestration.Domain.Polling;
using Orchestration.Domain.Validation;
using Orchestration.Fakes;
using Orchestration.Workflows.Tests.Engines;
using Xunit.Abstractions;

namespace Orchestration.Workflows.Tests;

/// <summary>How fast packed executions start a large batch under Cloud Run's limits, in simulated time: the Cloud Run
/// REST adapter with its production pacing (60 starts a minute) against the fake enforcing a 60-a-minute <c>:run</c>
/// quota and 1,000 running executions, cloud polling, runs of 30 s, all on the harness's skipping clock.</summary>
/// <remarks>Simulated time only, so the bounds hold on any machine. <c>LAUNCH_SIM_RUNS</c> sets the batch size
/// (default 1,000; bench/README.md reports 10,000).</remarks>
public sealed class LaunchSimulationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RunTime = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Batch_PackedUnderCloudRunLimits_AllRunsStartWithinFiveMinutesAtUnderAPointZeroFiveRunCallsPerRun()
    {
        var runs = int.TryParse(Environment.GetEnvironmentVariable("LAUNCH_SIM_RUNS"), CultureInfo.InvariantCulture, out var n) ? n : 1_000;
        var clock = new LateClock();
        await using var run = new FakeCloudRunServer("p", "r", clock) { RunRequestsPerMinute = 60, MaxRunningExecutions = FakeCloudRunServer.CloudRunRunningExecutionsLimit };
        await run.StartAsync();
        var claims = new ConcurrentBag<DateTimeOffset>();
        var worked = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var player = new FakeRunnerPlayer(run, (harness, execution) => PlayAsync(harness, run, execution, claims, worked));

        var settings = new WorkflowSettings(500, PollingOptions.Cloud, PackSize: WorkflowSettings.CloudPackSize);
        var objects = Directory.CreateTempSubdirectory("launch-objects-").FullName;
        await using var h = player.Harness = await WorkflowHarness.StartAsync(EngineKind.Embedded, settings: settings, ports: s => Ports(s, run, objects));
        clock.Target = h.Time;
        var tasks = Enumerable.Range(0, (runs + 999) / 1000).Select(t => $$"""{"id": "t{{t}}", "n": {{Math.Min(1000, runs - (t * 1000))}}, "command": "true"}""");
        var started = h.Time.GetUtcNow();
        var id = await h.SubmitAsync($$"""{"id": "launch", "maxParallelRuns": {{runs}}, "tasks": [{{string.Join(",", tasks)}}]}""", settings, new BatchLimits { MaxParallelRuns = runs });

        var summary = (await h.WaitAsync(id, 1200)).ReadOutputAs<BatchSummary>()!;
        var finished = h.Time.GetUtcNow();
        var allStarted = claims.Max() - started;
        var runCalls = run.Calls("jobs.run");
        output.WriteLine($"{runs} runs of {RunTime.TotalSeconds:0} s: all started after {allStarted.TotalMinutes:F2} simulated min, batch ended after {(finished - started).TotalMinutes:F2} min; " +
            $"{runCalls} :run calls ({(double)runCalls / runs:F4} per run), {run.Executions.Count} executions, largest {run.Executions.Max(e => e.TaskCount)} tasks");

        Assert.Equal(runs, summary.Passed);
        Assert.Equal(runs, claims.Count);
        Assert.All(worked, w => Assert.Equal(1, w.Value));
        Assert.True(allStarted < TimeSpan.FromMinutes(5), $"all runs started after {allStarted.TotalMinutes:F2} simulated minutes");
        Assert.True((double)runCalls / runs < 0.05, $"{runCalls} :run calls for {runs} runs");
        Directory.Delete(objects, recursive: true);
    }

    private static void Ports(IServiceCollection services, FakeCloudRunServer run, string objects)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Google:CloudRun:Project"] = run.Project,
            ["Google:CloudRun:Region"] = run.Region,
            ["Google:CloudRun:BaseUrl"] = run.BaseUrl.ToString(),
            ["Google:CloudRun:OperationPollInterval"] = "00:00:00.010",
        };
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<IGoogleAccessTokenSource>(new NoAccessTokenSource());
        services.AddSingleton<IObjectStore>(new LocalFolderObjectStore(Options.Create(new LocalFolderObjectStoreOptions { Root = objects })));
        services.AddCloudRunJobsClient();
    }

    // Each task of the pack: claim when it starts, work 30 s (parked on the clock), then result.json.
    private static async Task PlayAsync(WorkflowHarness h, FakeCloudRunServer run, FakeExecution execution, ConcurrentBag<DateTimeOffset> claims, ConcurrentDictionary<string, int> worked)
    {
        IReadOnlyList<PackManifest.Entry> entries;
        await using (var manifest = await h.Objects.GetAsync(PackManifest.ObjectName(execution.Environment[PackManifest.Variable])))
        {
            entries = PackManifest.Parse(Encoding.UTF8.GetString(await manifest!.ReadAllBytesAsync()));
        }

        await Task.WhenAll(execution.Tasks.Select(async task =>
        {
            var entry = entries[task.Index];
            run.StartTask(execution.Name, task.Index);
            var claim = await h.Objects.PutIfAbsentAsync(entry.Prefix + "claim", Text($$"""{"execution": "{{execution.Id}}", "taskIndex": {{task.Index}}, "startedAt": "{{h.Time.GetUtcNow():O}}"}"""));
            if (!claim.Created)
            {
                run.CompleteTask(execution.Name, task.Index);
                return;
            }

            claims.Add(h.Time.GetUtcNow());
            worked.AddOrUpdate(entry.Prefix, 1, (_, c) => c + 1);
            var start = h.Time.GetUtcNow();
            await h.DelayParkedAsync(RunTime);
            await h.Objects.PutAsync(entry.Prefix + "result.json", Text($$"""{"exitCode": 0, "termination": "none", "startedAt": "{{start:O}}", "endedAt": "{{h.Time.GetUtcNow():O}}", "runnerVersion": "1"}"""));
            run.CompleteTask(execution.Name, task.Index);
        }));
    }

    private static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    // The fake must exist before the harness (its URL goes into the adapter's settings), the harness's clock after.
    private sealed class LateClock : TimeProvider
    {
        public TimeProvider Target { get; set; } = System;

        public override DateTimeOffset GetUtcNow() => Target.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => Target.CreateTimer(callback, state, dueTime, period);
    }
}
