using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Orchestration.Server.Tests;

/// <summary><c>serve</c> killed with SIGKILL at seeded random points of a 200-run batch of real local commands
/// and restarted on the same data folder each time: every run is counted once and its command ran once.</summary>
/// <remarks>Kill points are progress thresholds (lines in the effects file) plus a random pause, so they land
/// while runs are in flight however fast the machine is. Set <c>KILL_RESUME_SEED</c> to replay a seed.</remarks>
[Collection(CrashCollection.Name)]
public sealed class KillResumeTests(ITestOutputHelper output) : IDisposable
{
    private const string BatchId = "kill-resume";
    private const int Tasks = 4;
    private const int RunsPerTask = 50;
    private const int Kills = 6;

    private readonly string _data = Directory.CreateTempSubdirectory("kill-resume-data-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("kill-resume-effects-").FullName;

    public void Dispose()
    {
        output.WriteLine($"cleanup: {CrashKit.KillLeftoverExecutions(_data)} execution group(s) still alive were killed");
        CrashKit.DeleteFolder(_data);
        CrashKit.DeleteFolder(_outside);
    }

    [Fact]
    public async Task Serve_KilledAtRandomPointsAndRestarted_EveryRunCountedOnceAndRunOnce()
    {
        // Arrange
        var seed = int.TryParse(Environment.GetEnvironmentVariable("KILL_RESUME_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next();
        var random = new Random(seed);
        var kills = Enumerable.Range(0, Kills).Select(i => (Lines: 10 + (i * 30) + random.Next(0, 25), PauseMs: random.Next(0, 400))).ToList();
        output.WriteLine($"seed {seed} (KILL_RESUME_SEED={seed} replays it); kill after lines+pause: {string.Join(", ", kills.Select(k => $"{k.Lines}+{k.PauseMs}ms"))}");
        var effects = Path.Combine(_outside, "effects.log");
        var port = ServerProcess.FreePort();
        var environment = new Dictionary<string, string> { ["LocalRunner__MaxParallelExecutions"] = "8" };
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        var command = CrashKit.EffectCommand(effects, "0.$((RANDOM % 4))").Replace("\"", "\\\"", StringComparison.Ordinal);
        var tasks = string.Join(", ", Enumerable.Range(0, Tasks).Select(t => $$"""{"id": "t{{t}}", "n": {{RunsPerTask}}, "command": "{{command}}"}"""));
        var batch = $$"""{"id": "{{BatchId}}", "maxParallelRuns": 8, "tasks": [{{tasks}}]}""";
        var clock = Stopwatch.StartNew();

        // Act: serve, submit, kill at each point, restart; the last server runs the batch to its end.
        var status = "";
        var inFlight = 0;
        for (var cycle = 0; cycle <= kills.Count; cycle++)
        {
            using var server = ServerProcess.Start(environment, "serve", "--urls", $"http://127.0.0.1:{port}", "--data", _data);
            await server.WaitForHealthAsync(http, TimeSpan.FromSeconds(60));
            if (cycle == 0)
            {
                await CrashKit.SubmitAsync(http, batch);
            }

            if (cycle == kills.Count)
            {
                status = (await server.WaitForBatchEndAsync(http, BatchId, TimeSpan.FromSeconds(120))).GetProperty("status").GetString()!;
                output.WriteLine($"completed at {clock.Elapsed.TotalSeconds:F1} s with status {status}");
                await AssertCountedOnceAsync(http, status, effects);
                Assert.True(inFlight > 0, "no execution was running at any kill, so none had to be re-adopted");
                break;
            }

            var (lines, pauseMs) = kills[cycle];
            var running = await CrashKit.KillAfterLinesAsync(server, effects, lines, pauseMs, _data, clock, seed);
            inFlight += running;
            output.WriteLine($"kill {cycle + 1}: SIGKILL at {clock.Elapsed.TotalSeconds:F2} s with {CrashKit.CountLines(effects)} effect lines written, {running} executions running");
        }
    }

    private async Task AssertCountedOnceAsync(HttpClient http, string status, string effectsFile)
    {
        const int Runs = Tasks * RunsPerTask;
        var total = await CrashKit.GetTotalAsync(http, BatchId);
        var rows = await CrashKit.GetRunsAsync(http, BatchId);
        var effects = CrashKit.ReadEffects(effectsFile);
        var executions = CrashKit.ReadExecutions(_data);
        var duplicates = executions.Count - executions.Select(e => e.Prefix).Distinct().Count();
        output.WriteLine($"{executions.Count} executions for {executions.Select(e => e.Prefix).Distinct().Count()} attempts " +
            $"({duplicates} duplicate(s) of an attempt, left by a kill inside StartRun; the claim made them exit without running the command)");

        Assert.Equal("completed", status);
        Assert.Equal(Runs, total.GetProperty("runs").GetInt32());
        Assert.Equal(Runs, total.GetProperty("passed").GetInt32());
        // Running executions are re-adopted, never restarted. The one retry a kill can cause is an attempt
        // whose launch it cut (the local runner's launch marker written, the process not yet spawned): that
        // attempt never ran the command and is counted lost; the checks below show no effect came from it.
        var retries = total.GetProperty("retries").GetInt32();
        output.WriteLine($"{retries} retried attempt(s)");
        Assert.Equal(Runs + retries, total.GetProperty("attempts").GetInt32());
        Assert.Equal(Runs, rows.Count);
        Assert.Equal(Runs, rows.Select(r => (r.GetProperty("task").GetString(), r.GetProperty("runIndex").GetInt32())).Distinct().Count());
        Assert.All(rows, r => Assert.Equal("passed", r.GetProperty("outcome").GetString()));

        // No effect applied twice: one line per (task, index), from the attempt the run was judged by
        // (attempt 1 unless a launch was cut), written by the execution the run's row names.
        Assert.Equal(Runs, effects.Count);
        Assert.Equal(Runs, effects.Select(e => (e.Task, e.Index)).Distinct().Count());
        var byRun = effects.ToDictionary(e => (e.Task, e.Index));
        Assert.All(rows, r =>
        {
            var effect = byRun[(r.GetProperty("task").GetString()!, r.GetProperty("runIndex").GetInt32())];
            Assert.Equal(effect.Execution, r.GetProperty("execution").GetString()!.Split('/')[^1]);
            Assert.Equal(r.GetProperty("attempts").GetInt32(), effect.Attempt);
        });
        Assert.Equal(Runs + retries, executions.Select(e => e.Prefix).Distinct().Count());
    }
}
