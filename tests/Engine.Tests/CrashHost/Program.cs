using Orchestration.Durable;
using Orchestration.Engine;

// Usage: CrashHost <database> <effects-file> <kill-after-commit, 0 = never> <activities> <children>
var database = args[0];
var effects = args[1];
var killAfter = long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
var input = new Workload(int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture));
var effectsLock = new Lock();

var options = new EmbeddedEngineOptions
{
    DatabasePath = database,
    KillAfterCommit = killAfter > 0 ? killAfter : null,
    MaxConcurrentActivities = 8,
};
options
    .AddActivityFunc<int, int>("Work", (_, key) =>
    {
        // The activity's effect: one durable line per execution (at least once, so duplicates are allowed).
        lock (effectsLock)
        {
            using var stream = new FileStream(effects, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            var line = System.Text.Encoding.ASCII.GetBytes(key.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
            stream.Write(line);
            stream.Flush(flushToDisk: true);
        }

        return Task.FromResult(key * 2);
    })
    .AddOrchestratorFunc<int, int>("Child", async (ctx, j) =>
    {
        var a = await ctx.CallActivityAsync<int>("Work", 100_000 + j);
        await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddMilliseconds(300), CancellationToken.None);
        var b = await ctx.CallActivityAsync<int>("Work", 200_000 + j);
        return a + b;
    })
    .AddOrchestratorFunc<Workload, long>("Root", async (ctx, w) =>
    {
        var work = Enumerable.Range(0, w.Activities).Select(i => ctx.CallActivityAsync<int>("Work", i)).ToList();
        var children = Enumerable.Range(0, w.Children)
            .Select(j => ctx.CallSubOrchestratorAsync<int>("Child", j, new SubOrchestrationOptions(instanceId: $"crash:child:{j}")))
            .ToList();
        var sum = (await Task.WhenAll(work)).Sum(x => (long)x) + (await Task.WhenAll(children)).Sum(x => (long)x);
        await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddMilliseconds(200), CancellationToken.None);
        return sum;
    });

await using var engine = new DurableEngine(options);
await engine.StartAsync(CancellationToken.None);
if (await engine.Client.GetInstanceAsync("crash:root") is null)
{
    await engine.Client.ScheduleNewOrchestrationInstanceAsync("Root", input, new StartOrchestrationOptions("crash:root"));
}

var root = await engine.Client.WaitForInstanceCompletionAsync("crash:root", getInputsAndOutputs: true);
var completedChildren = 0;
await foreach (var child in engine.Client.GetAllInstancesAsync(new OrchestrationQuery(InstanceIdPrefix: "crash:child:", Statuses: [OrchestrationRuntimeStatus.Completed])))
{
    completedChildren++;
}

Console.WriteLine($"DONE {root.RuntimeStatus} {root.SerializedOutput} children={completedChildren} commits={engine.Commits}");
return root.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? 0 : 2;

internal sealed record Workload(int Activities, int Children);
