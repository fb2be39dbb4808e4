using System.Diagnostics;
using Xunit.Abstractions;

namespace Orchestration.Server.Tests;

/// <summary>The crash matrix: the crash server (the composition of <c>serve</c> with its activities wrapped)
/// SIGKILLs itself inside one step, or while runs wait on a poll timer; the product's own <c>serve</c> then
/// restarts on the same data folder and must finish the batch with every run counted once, each command run
/// once, and the webhook delivered at least once under one idempotency key.</summary>
/// <remarks>"before" kills before the step's effect; "after" kills once the effect is done but before the
/// engine recorded the step's completion, so the restarted engine runs the step again (at least once).</remarks>
[Collection(CrashCollection.Name)]
public sealed class CrashMatrixTests(ITestOutputHelper output) : IDisposable
{
    private const int RunsPerTask = 3;
    private const int Runs = 2 * RunsPerTask;

    private readonly string _data = Directory.CreateTempSubdirectory("crash-matrix-data-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("crash-matrix-effects-").FullName;

    public void Dispose()
    {
        CrashKit.KillLeftoverExecutions(_data);
        CrashKit.DeleteFolder(_data);
        CrashKit.DeleteFolder(_outside);
    }

    [Theory]
    [InlineData("PrepareBatch:before")]
    [InlineData("PrepareBatch:after")]
    [InlineData("StartRun:before")]
    [InlineData("StartRun:after")]
    [InlineData("CheckRun:before")]
    [InlineData("CheckRun:after")]
    [InlineData("CollectResult:before")]
    [InlineData("CollectResult:after")]
    [InlineData("PersistAggregate:before")]
    [InlineData("PersistAggregate:after")]
    [InlineData("NotifyWebhook:before")]
    [InlineData("NotifyWebhook:after")]
    [InlineData("Timer")]
    public async Task Server_KilledAtPointAndRestarted_BatchCompletesCountedOnceWebhookOneKey(string crashAt)
    {
        // Arrange
        var clock = Stopwatch.StartNew();
        using var receiver = new WebhookReceiver();
        var effects = Path.Combine(_outside, "effects.log");
        var url = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        var batchId = "crash-" + crashAt.Replace(':', '-').ToLowerInvariant();

        // The timer case needs runs still running after their first check, so their poll timers are pending.
        var command = CrashKit.EffectCommand(effects, crashAt == "Timer" ? "1.5" : "0.2").Replace("\"", "\\\"", StringComparison.Ordinal);
        var batch = $$"""
            {"id": "{{batchId}}", "webhook": {"url": "{{receiver.Url}}"}, "tasks": [
              {"id": "a", "n": {{RunsPerTask}}, "command": "{{command}}"},
              {"id": "b", "n": {{RunsPerTask}}, "command": "{{command}}"}]}
            """;

        // Act: the crash server dies at the point; serve restarts on the same data folder.
        using (var crashing = ServerProcess.StartHost(CrashKit.CrashServerDll, new Dictionary<string, string> { ["CRASH_AT"] = crashAt }, _data, url))
        {
            await crashing.WaitForHealthAsync(http, TimeSpan.FromSeconds(60));
            await CrashKit.SubmitAsync(http, batch);
            var exitCode = await crashing.WaitAsync(TimeSpan.FromSeconds(90));
            Assert.True(exitCode == 137, $"exit code {exitCode}, not SIGKILL. stderr:\n{crashing.Stderr}");
            Assert.Contains($"crash-server: SIGKILL at {crashAt}", crashing.Stderr, StringComparison.Ordinal);
            output.WriteLine(crashing.Stderr.Split('\n').First(l => l.StartsWith("crash-server:", StringComparison.Ordinal)));
        }

        var killedAt = clock.Elapsed;
        using var server = ServerProcess.Start("serve", "--urls", url, "--data", _data);
        await server.WaitForHealthAsync(http, TimeSpan.FromSeconds(60));
        var status = (await server.WaitForBatchEndAsync(http, batchId, TimeSpan.FromSeconds(90))).GetProperty("status").GetString()!;

        // The notice goes out after the aggregate is persisted; "after" the delivery, the restart repeats it.
        var expectedDeliveries = crashAt == "NotifyWebhook:after" ? 2 : 1;
        for (var i = 0; i < 300 && receiver.Keys.Count < expectedDeliveries; i++)
        {
            await Task.Delay(100);
        }

        // Assert
        var total = await CrashKit.GetTotalAsync(http, batchId);
        var rows = await CrashKit.GetRunsAsync(http, batchId);
        var lines = CrashKit.ReadEffects(effects);
        var executions = CrashKit.ReadExecutions(_data);
        var keys = receiver.Keys;
        output.WriteLine($"{crashAt}: killed at {killedAt.TotalSeconds:F1} s, {status} at {clock.Elapsed.TotalSeconds:F1} s; " +
            $"{executions.Count} execution(s) for {executions.Select(e => e.Prefix).Distinct().Count()} attempt(s); {keys.Count} webhook delivery(ies)");

        Assert.Equal("completed", status);
        Assert.Equal(Runs, total.GetProperty("runs").GetInt32());
        Assert.Equal(Runs, total.GetProperty("passed").GetInt32());
        // A kill can cut a local launch (marker written, process not yet spawned) of a run in flight: that
        // attempt never runs the command and is counted lost, visibly, as a retry. Only steps that run while no
        // launch can be in flight must leave exactly one attempt per run.
        var retries = total.GetProperty("retries").GetInt32();
        var noLaunchInFlight = crashAt.Split(':')[0] is "PrepareBatch" or "PersistAggregate" or "NotifyWebhook";
        Assert.Equal(Runs + retries, total.GetProperty("attempts").GetInt32());
        Assert.True(retries == 0 || !noLaunchInFlight, $"{retries} retries at {crashAt}");
        Assert.Equal(Runs, rows.Count);
        Assert.Equal(Runs, rows.Select(r => (r.GetProperty("task").GetString(), r.GetProperty("runIndex").GetInt32())).Distinct().Count());

        // Each command ran once, in attempt 1.
        Assert.Equal(Runs, lines.Count);
        Assert.Equal(Runs, lines.Select(e => (e.Task, e.Index)).Distinct().Count());
        var attemptsOf = rows.ToDictionary(r => (r.GetProperty("task").GetString()!, r.GetProperty("runIndex").GetInt32()), r => r.GetProperty("attempts").GetInt32());
        Assert.All(lines, e => Assert.Equal(attemptsOf[(e.Task, e.Index)], e.Attempt));

        // One attempt per run, and in each exactly one execution ran the command. A second execution of an
        // attempt is correct only when the kill cut a StartRun between starting the execution and recording
        // its name (StartRun runs again and starts another): the runner's claim then lets just one work.
        // Steps that run while no StartRun can be in flight must leave exactly one execution per attempt.
        var ran = lines.Select(e => e.Execution).ToHashSet(StringComparer.Ordinal);
        var attempts = executions.GroupBy(e => e.Prefix, StringComparer.Ordinal).ToList();
        Assert.Equal(Runs + retries, attempts.Count);
        Assert.Equal(Runs, attempts.Count(a => a.Any(e => ran.Contains(e.Id))));
        Assert.All(attempts, a => Assert.True(a.Count(e => ran.Contains(e.Id)) <= 1, $"two executions of {a.Key} ran the command"));
        if (crashAt.Split(':')[0] is "PrepareBatch" or "PersistAggregate" or "NotifyWebhook")
        {
            Assert.Equal(Runs, executions.Count);
        }

        // The webhook: at least once (twice when killed after delivering), always the same key.
        Assert.True(keys.Count >= expectedDeliveries, $"{keys.Count} deliveries, expected at least {expectedDeliveries}");
        var key = Assert.Single(keys.Distinct());
        Assert.StartsWith(batchId + ":", key, StringComparison.Ordinal);
    }
}
