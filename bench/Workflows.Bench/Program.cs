// A whole batch on the embedded engine with an instant fake runner: every execution writes its claim and
// result the moment it starts. Durable commits (WAL, synchronous=FULL), stores in SQLite, objects in a
// local folder. Prints wall time, runs/s, peak RSS and file sizes. Usage: Workflows.Bench [runs] [maxParallelRuns]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestration.Activities;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Git;
using Orchestration.Activities.Storage;
using Orchestration.Activities.Stores;
using Orchestration.Adapters.Git;
using Orchestration.Adapters.Storage;
using Orchestration.Adapters.Stores;
using Orchestration.Adapters.Webhooks;
using Orchestration.Domain;
using Orchestration.Domain.Polling;
using Orchestration.Durable;
using Orchestration.Engine;
using Orchestration.Fakes;
using Orchestration.Workflows;
using Orchestration.Workflows.Service;

var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var parallel = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;
var root = Directory.CreateTempSubdirectory("workflows-bench-").FullName;
var objectRoot = Path.Combine(root, "objects");
Directory.CreateDirectory(objectRoot);
var cloudRun = new InMemoryCloudRun();
var settings = new WorkflowSettings(500, PollingOptions.Local with { FirstDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(500), JitterFraction = 0 });

var services = new ServiceCollection();
services.AddLogging();
services.AddSingleton(TimeProvider.System);
var database = new SqliteDatabase(Path.Combine(root, "stores.db"));
services.AddSingleton<IBatchStore>(new SqliteBatchStore(database));
services.AddSingleton<IResultStore>(new SqliteResultStore(database));
var objects = new LocalFolderObjectStore(Options.Create(new LocalFolderObjectStoreOptions { Root = objectRoot }));
services.AddSingleton<IObjectStore>(objects);
services.AddSingleton<ICloudRunJobsClient>(cloudRun);
services.AddSingleton<IGitResolver, GitCliResolver>();
services.AddSingleton(Options.Create(new RunSettings { Bucket = "bench" }));
services.AddSingleton(Options.Create(new BatchServiceOptions { Workflow = settings }));
services.AddWebhooks();
services.AddBatchActivities();
services.AddBatchService();
services.AddEmbeddedDurableEngine(options =>
{
    options.DatabasePath = Path.Combine(root, "engine.db");
    options.SerializerOptions = BatchJson.Options;
    WorkflowCatalog.Register((name, create) => options.AddOrchestrator(name, create), (name, create) => options.AddActivity(name, create));
});
await using var provider = services.BuildServiceProvider();

cloudRun.OnStarted = async execution =>
{
    var prefix = execution.Environment["RUN_PREFIX"]["gs://bench/".Length..];
    await Put(prefix + "claim", $$"""{"execution": "{{execution.Id}}", "startedAt": "{{DateTimeOffset.UtcNow:O}}"}""");
    await Put(prefix + "response.txt", "ok");
    var now = DateTimeOffset.UtcNow.ToString("O");
    await Put(prefix + "result.json", $$"""{"exitCode": 0, "termination": "none", "startedAt": "{{now}}", "endedAt": "{{now}}", "runnerVersion": "1"}""");
    cloudRun.Set(execution.Name, CloudRunExecutionState.Succeeded);
};

foreach (var hosted in provider.GetServices<IHostedService>())
{
    await hosted.StartAsync(CancellationToken.None);
}

var tasks = (runs + 999) / 1000;
var taskJson = string.Join(", ", Enumerable.Range(0, tasks).Select(t => $$"""{"id": "t{{t}}", "n": {{Math.Min(1000, runs - (t * 1000))}}, "command": "true"}"""));
var document = Encoding.UTF8.GetBytes($$"""{"id": "bench", "maxParallelRuns": {{parallel}}, "tasks": [{{taskJson}}]}""");
var clock = Stopwatch.StartNew();
var submitted = await provider.GetRequiredService<BatchService>().SubmitAsync(document);
var done = await provider.GetRequiredService<DurableTaskClient>().WaitForInstanceCompletionAsync(submitted.BatchId!, getInputsAndOutputs: true);
clock.Stop();
var summary = done.ReadOutputAs<BatchSummary>()!;

Console.WriteLine($"runs                 {runs} ({tasks} tasks), maxParallelRuns {parallel}, chunk size {settings.ChunkSize}");
Console.WriteLine($"outcome              {done.RuntimeStatus}: passed {summary.Passed}, failed {summary.Failed}, errored {summary.Errored}, cancelled {summary.Cancelled}");
Console.WriteLine($"wall time            {clock.Elapsed.TotalSeconds:F1} s");
Console.WriteLine($"runs/s               {runs / clock.Elapsed.TotalSeconds:F0}");
Console.WriteLine($"executions started   {cloudRun.Starts}");
Console.WriteLine($"peak RSS             {PeakRssMb():F0} MB");
Console.WriteLine($"process CPU          {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F1} s (user {Process.GetCurrentProcess().UserProcessorTime.TotalSeconds:F1} s), load average {(await File.ReadAllTextAsync("/proc/loadavg")).Split(' ')[0]}");
Console.WriteLine($"allocated            {GC.GetTotalAllocatedBytes() / 1024.0 / 1024.0:F0} MB, GCs gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
Console.WriteLine($"engine file          {FileMb(Path.Combine(root, "engine.db")):F1} MB (db + wal)");
Console.WriteLine($"stores file          {FileMb(Path.Combine(root, "stores.db")):F1} MB (db + wal)");

foreach (var hosted in provider.GetServices<IHostedService>())
{
    await hosted.StopAsync(CancellationToken.None);
}

Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(root, recursive: true);
return summary.Passed == runs ? 0 : 1;

async Task Put(string name, string content)
{
    using var body = new MemoryStream(Encoding.UTF8.GetBytes(content));
    await objects.PutAsync(name, body);
}

static double FileMb(string path) =>
    new[] { path, path + "-wal" }.Where(File.Exists).Sum(p => new FileInfo(p).Length) / 1024.0 / 1024.0;

static double PeakRssMb()
{
    var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    return line is null ? Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0
        : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
}
