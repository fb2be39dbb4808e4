using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Activities.Contracts;
using Orchestration.Domain;
using Orchestration.Durable;
using Orchestration.Durable.Bench;
using Orchestration.DurableSdk;
using Orchestration.Engine;
using Orchestration.Tests.Azurite;
using Orchestration.Workflows.Tests;
using Orchestration.Workflows.Tests.Engines;
using Real = Microsoft.DurableTask;

// Usage: DOTNET_PROCESSOR_COUNT=32 dotnet Orchestration.Durable.Bench.dll [activities=1000] [runs=200]
//          [storage-activities=N] [engines=embedded,sdk,storage]
// Runs the same two workloads on the embedded engine, on the Durable Task SDK's in-process test host and on the
// Azure Storage backend over Azurite, in this process, and prints each time and its ratio to the embedded engine's.
var settings = args.Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
var activities = int.Parse(settings.GetValueOrDefault("activities", "1000"), CultureInfo.InvariantCulture);
var runs = int.Parse(settings.GetValueOrDefault("runs", "200"), CultureInfo.InvariantCulture);
var storageActivities = int.Parse(settings.GetValueOrDefault("storage-activities", activities.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
var engines = settings.GetValueOrDefault("engines", "embedded,sdk,storage").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

// The test host's gRPC sidecar is a default .NET host that logs every request to the console at Information.
Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"date {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {LoadAverage()}, Environment.ProcessorCount {Environment.ProcessorCount}"));
if (engines.Contains("sdk") && Environment.ProcessorCount < 32)
{
    // The test host's dispatchers take ProcessorCount work items at once and poll every 500 ms when full.
    Console.WriteLine("warning: DOTNET_PROCESSOR_COUNT=32 is not set; the test host runs ProcessorCount work items at once");
}

AzuriteFixture? azurite = null;
if (engines.Contains("storage"))
{
    azurite = new AzuriteFixture();
    await azurite.InitializeAsync();
}

var rows = new List<(string Workload, string Engine, double Seconds)>();
var failures = 0;
try
{
    // Workload 1: one orchestrator fans out N trivial activities and sums them.
    if (engines.Contains("embedded"))
    {
        // Untimed warm-ups of both workloads, so that the baseline does not pay the JIT for everyone.
        await FanOutEmbeddedAsync(20, replay: false);
        await FanOutEmbeddedAsync(20, replay: true);
        await BatchOnHarnessAsync(EngineKind.Embedded, 10);
        rows.Add(("fan-out", "embedded", await FanOutEmbeddedAsync(activities, replay: false)));
        rows.Add(("fan-out", "embedded, replay every episode", await FanOutEmbeddedAsync(activities, replay: true)));
    }

    if (engines.Contains("sdk"))
    {
        rows.Add(("fan-out", "Durable Task SDK, in-process test host", await FanOutSdkAsync(activities)));
    }

    if (azurite is not null)
    {
        var label = storageActivities == activities ? "" : $" ({storageActivities} activities)";
        rows.Add(("fan-out", $"Durable Task SDK, Azure Storage over Azurite{label}", await FanOutStorageAsync(azurite.ConnectionString, storageActivities)));
    }

    // Workload 2: one batch of N runs through the product's orchestrators and activities (instant fake runner).
    if (engines.Contains("embedded"))
    {
        rows.Add(("batch", "embedded, replay every episode", await BatchOnHarnessAsync(EngineKind.Embedded, runs)));
    }

    if (engines.Contains("sdk"))
    {
        rows.Add(("batch", "Durable Task SDK, in-process test host", await BatchOnHarnessAsync(EngineKind.DurableTaskSdk, runs)));
    }

    if (azurite is not null)
    {
        rows.Add(("batch", "Durable Task SDK, Azure Storage over Azurite", await BatchOnStorageAsync(azurite.ConnectionString, runs)));
    }
}
finally
{
    if (azurite is not null)
    {
        await azurite.DisposeAsync();
    }
}

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load average at the end {LoadAverage()}"));
foreach (var workload in rows.GroupBy(r => r.Workload))
{
    var baseline = workload.FirstOrDefault(r => r.Engine == "embedded" || r.Engine.StartsWith("embedded, replay", StringComparison.Ordinal));
    var size = workload.Key == "fan-out" ? $"{activities} activities" : $"{runs} runs";
    Console.WriteLine($"{workload.Key} ({size}):");
    foreach (var row in workload)
    {
        var ratio = baseline.Seconds > 0 ? string.Create(CultureInfo.InvariantCulture, $"{row.Seconds / baseline.Seconds:N1}x") : "-";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {row.Engine,-75} {row.Seconds,8:F2} s  {ratio,8}"));
    }
}

return failures == 0 ? 0 : 1;

async Task<double> FanOutEmbeddedAsync(int count, bool replay)
{
    var options = new EmbeddedEngineOptions
    {
        UseTemporaryFile = true,
        ReplayEveryEpisode = replay,
        // The 2-core default, kept although DOTNET_PROCESSOR_COUNT is raised for the test host.
        MaxConcurrentActivities = 32,
    };
    options.AddOrchestrator(FanOutOrchestrator.Name, _ => new FanOutOrchestrator());
    options.AddActivity(IncActivity.Name, _ => new IncActivity());
    await using var engine = new DurableEngine(options);
    await engine.StartAsync(CancellationToken.None);
    return await TimeFanOutAsync($"embedded{(replay ? " (replay)" : "")}", engine.Client, count);
}

async Task<double> FanOutSdkAsync(int count)
{
    // The seam's orchestrator and activity behind src/DurableSdk's adapters, as AddOrchestrationWorkflows registers the product's.
    await using var host = await DurableTaskTestHost.StartAsync(
        registry => registry
            .AddOrchestrator(FanOutOrchestrator.Name, () => new SdkOrchestrator(new FanOutOrchestrator()))
            .AddActivity(IncActivity.Name, _ => new SdkActivity(new IncActivity())),
        new DurableTaskTestHostOptions
        {
            Port = FreeLoopbackPort(),
            ConfigureServices = s => s.AddSingleton<Real.DataConverter>(new Real.Converters.JsonDataConverter(BatchJson.Options)),
        });
    return await TimeFanOutAsync("test host", new DurableClientAdapter(host.Client), count);
}

async Task<double> FanOutStorageAsync(string connectionString, int count)
{
    await using var services = new ServiceCollection().BuildServiceProvider();
    await using var backend = await AzureStorageBackend.StartAsync(
        connectionString,
        Hub("fan"),
        services,
        tasks: registry => registry
            .AddOrchestrator(FanOutOrchestrator.Name, () => new SdkOrchestrator(new FanOutOrchestrator()))
            .AddActivity(IncActivity.Name, _ => new SdkActivity(new IncActivity())));
    return await TimeFanOutAsync("azure storage", new DurableClientAdapter(backend.Client), count);
}

async Task<double> TimeFanOutAsync(string engine, DurableTaskClient client, int count)
{
    var clock = Stopwatch.StartNew();
    var id = await client.ScheduleNewOrchestrationInstanceAsync(FanOutOrchestrator.Name, count, new StartOrchestrationOptions($"fan-{Guid.NewGuid():N}"));
    var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true).WaitAsync(TimeSpan.FromSeconds(600));
    clock.Stop();
    var right = done.RuntimeStatus == OrchestrationRuntimeStatus.Completed && done.ReadOutputAs<long>() == FanOutOrchestrator.Expected(count);
    Report("fan-out", engine, $"{count} activities", clock.Elapsed, right ? "output correct" : $"WRONG: {done.RuntimeStatus}, {done.SerializedOutput}");
    return clock.Elapsed.TotalSeconds;
}

async Task<double> BatchOnHarnessAsync(EngineKind engine, int count)
{
    await using var harness = await WorkflowHarness.StartAsync(engine);
    var clock = Stopwatch.StartNew();
    var id = await harness.SubmitAsync(BatchDocument(count));
    var done = await harness.WaitAsync(id, seconds: 600);
    clock.Stop();
    CheckBatch(engine.ToString(), done, count, clock.Elapsed);
    return clock.Elapsed.TotalSeconds;
}

async Task<double> BatchOnStorageAsync(string connectionString, int count)
{
    await using var setup = await StorageWorkflowSetup.StartAsync(connectionString, Hub("batch"));
    var clock = Stopwatch.StartNew();
    var id = await setup.SubmitAsync(BatchDocument(count), WorkflowHarness.FastSettings);
    var done = await setup.WaitAsync(id, seconds: 600);
    clock.Stop();
    CheckBatch("azure storage", done, count, clock.Elapsed);
    return clock.Elapsed.TotalSeconds;
}

void CheckBatch(string engine, OrchestrationMetadata done, int count, TimeSpan elapsed)
{
    var summary = done.ReadOutputAs<BatchSummary>();
    var right = done.RuntimeStatus == OrchestrationRuntimeStatus.Completed && summary is { Status: BatchStatus.Completed } && summary.Passed == count;
    Report("batch", engine, $"{count} runs", elapsed, right ? $"{summary!.Passed} passed" : $"WRONG: {done.RuntimeStatus}, {done.SerializedOutput}");
}

void Report(string workload, string engine, string size, TimeSpan elapsed, string outcome)
{
    if (outcome.StartsWith("WRONG", StringComparison.Ordinal))
    {
        failures++;
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{workload,-8} {engine,-14} {size,-16} {elapsed.TotalSeconds,8:F2} s  {outcome}  (load {LoadAverage()})"));
}

// One task of N runs of an instant command, all allowed at once; the harness's fast polling settings.
static string BatchDocument(int count) =>
    $$"""{"id": "bench-{{Guid.NewGuid():N}}", "maxParallelRuns": {{count}}, "tasks": [{"id": "t", "n": {{count}}, "command": "true"}]}""";

static string Hub(string name) => $"{name}x{Guid.NewGuid():N}"[..20];

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static int FreeLoopbackPort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
