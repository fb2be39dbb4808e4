using System.Diagnostics;
using System.Globalization;
using Orchestration.Durable;
using Orchestration.Engine;

// Usage: dotnet run -c Release --project bench/Engine.Bench -- [fanout|suborch] [count]
// Prints wall time, work items/s, peak RSS, SQLite file size and durable commits for one scenario.
var scenario = args.Length > 0 ? args[0] : "fanout";
var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;

var options = new EmbeddedEngineOptions { UseTemporaryFile = true };
if (Environment.GetEnvironmentVariable("BENCH_ACTIVITIES") is { } slots)
{
    options.MaxConcurrentActivities = int.Parse(slots, CultureInfo.InvariantCulture);
}

options
    .AddActivityFunc<int, int>("Inc", (_, x) => Task.FromResult(x + 1))
    .AddOrchestratorFunc<int, long>("FanOut", async (ctx, n) =>
        (await Task.WhenAll(Enumerable.Range(0, n).Select(i => ctx.CallActivityAsync<int>("Inc", i)))).Sum(x => (long)x))
    .AddOrchestratorFunc<int, int>("ThreeSteps", async (ctx, x) =>
    {
        var a = await ctx.CallActivityAsync<int>("Inc", x);
        await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddMilliseconds(100), CancellationToken.None);
        return await ctx.CallActivityAsync<int>("Inc", a);
    })
    .AddOrchestratorFunc<int, long>("SubFanOut", async (ctx, n) =>
        (await Task.WhenAll(Enumerable.Range(0, n).Select(i =>
            ctx.CallSubOrchestratorAsync<int>("ThreeSteps", i, new SubOrchestrationOptions(instanceId: $"{ctx.InstanceId}:{i}"))))).Sum(x => (long)x));

await using var engine = new DurableEngine(options);
await engine.StartAsync(CancellationToken.None);
var (name, expected) = scenario switch
{
    "fanout" => ("FanOut", Enumerable.Range(0, count).Sum(i => (long)i + 1)),
    "suborch" => ("SubFanOut", Enumerable.Range(0, count).Sum(i => (long)i + 2)),
    _ => throw new ArgumentException($"unknown scenario {scenario}"),
};

var commitsBefore = engine.Commits;
var stopwatch = Stopwatch.StartNew();
var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync(name, count, new StartOrchestrationOptions("bench"));
var result = await engine.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true);
stopwatch.Stop();

var output = result.ReadOutputAs<long>();
var fileBytes = new[] { "", "-wal" }.Select(s => new FileInfo(engine.DatabasePath + s)).Where(f => f.Exists).Sum(f => f.Length);
var seconds = stopwatch.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
    scenario        {scenario} x {count:N0}
    status          {result.RuntimeStatus} (output {(output == expected ? "correct" : $"WRONG {output} != {expected}")})
    wall time       {seconds:F2} s
    work items      {engine.WorkItems:N0} ({engine.WorkItems / seconds:N0} /s)
    durable commits {engine.Commits - commitsBefore:N0} ({(engine.Commits - commitsBefore) / seconds:N0} /s)
    peak RSS        {PeakRssMegabytes():N0} MB
    SQLite file     {fileBytes / 1024.0 / 1024.0:N1} MB (db + wal)
    """));
return output == expected && result.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? 0 : 1;

static double PeakRssMegabytes()
{
    // VmHWM is the resident high-water mark of this process (Linux).
    var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    return line is null
        ? Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0
        : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
}
