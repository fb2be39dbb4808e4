using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Orchestration.Tests.Waiting;
using Xunit.Abstractions;

namespace Orchestration.Server.Tests;

/// <summary>A rerun of real local commands with <c>serve</c> killed (SIGKILL) at seeded random points while the rerun
/// runs, and restarted on the same data folder each time: every rerun run's command ran once, every run is counted
/// once in the new results version, and the version the batch first ended with stays as it was.</summary>
/// <remarks>Until a "heal" file exists, every third run's command outlives its 2-second limit (timed out, no effect: a
/// judged outcome, never retried); the rerun runs them again once it exists. Set <c>KILL_RESUME_SEED</c> to replay a
/// seed.</remarks>
[Collection(CrashCollection.Name)]
public sealed class RerunKillResumeTests(ITestOutputHelper output) : IDisposable
{
    private const string BatchId = "rerun-kill";
    private const int Tasks = 3;
    private const int RunsPerTask = 24;
    private const int Runs = Tasks * RunsPerTask;
    private const int Reruns = Runs / 3;

    private readonly string _data = Directory.CreateTempSubdirectory("rerun-kill-data-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("rerun-kill-effects-").FullName;

    public void Dispose()
    {
        output.WriteLine($"cleanup: {CrashKit.KillLeftoverExecutions(_data)} execution group(s) still alive were killed");
        CrashKit.DeleteFolder(_data);
        CrashKit.DeleteFolder(_outside);
    }

    [Fact]
    public async Task Rerun_ServeKilledAtRandomPointsAndRestarted_EveryRunCountedOnceAndRunOnce()
    {
        // Arrange: the batch runs to its end with a third of its runs timed out.
        var seed = int.TryParse(Environment.GetEnvironmentVariable("KILL_RESUME_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next();
        var random = new Random(seed);
        var kills = Enumerable.Range(0, 3).Select(i => (Lines: Runs - Reruns + 2 + (i * 6) + random.Next(0, 4), PauseMs: random.Next(0, 300))).ToList();
        output.WriteLine($"seed {seed} (KILL_RESUME_SEED={seed} replays it); kill after lines+pause: {string.Join(", ", kills.Select(k => $"{k.Lines}+{k.PauseMs}ms"))}");
        var effects = Path.Combine(_outside, "effects.log");
        var heal = Path.Combine(_outside, "heal");
        var port = ServerProcess.FreePort();
        var environment = new Dictionary<string, string> { ["LocalRunner__MaxParallelExecutions"] = "8" };
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        var slowUntilHealed = $"IFS=/ read -ra q <<< \"${{RUN_PREFIX%/}}\"; if [ ! -e '{heal}' ] && [ $((q[-2] % 3)) -eq 0 ]; then sleep 30; fi; ";
        // Each run takes 0.3-0.5 s: the rerun's 24 runs at 8 at once then last about 1.5 s, so each kill point (a few
        // lines past the first run's, plus up to 0.3 s) finds executions in flight even when this process is slow to see
        // the lines on a loaded machine (with 0-0.2 s a CI run once saw the whole rerun end before its first kill).
        var command = (slowUntilHealed + CrashKit.EffectCommand(effects, "0.$((3 + RANDOM % 3))")).Replace("\"", "\\\"", StringComparison.Ordinal);
        var tasks = string.Join(", ", Enumerable.Range(0, Tasks).Select(t => $$"""{"id": "t{{t}}", "n": {{RunsPerTask}}, "command": "{{command}}", "timeoutSeconds": 2, "maxAttempts": 2}"""));
        var batch = $$"""{"id": "{{BatchId}}", "maxParallelRuns": 8, "tasks": [{{tasks}}]}""";
        var clock = Stopwatch.StartNew();
        string first;
        using (var server = ServerProcess.Start(environment, "serve", "--urls", $"http://127.0.0.1:{port}", "--data", _data))
        {
            await server.WaitForHealthAsync(http, TimeSpan.FromSeconds(60));
            await CrashKit.SubmitAsync(http, batch);
            Assert.Equal("completed", (await server.WaitForBatchEndAsync(http, BatchId, TimeSpan.FromSeconds(120))).GetProperty("status").GetString());
            first = await http.GetStringAsync($"/api/batches/{BatchId}/results");
            server.Kill();
        }

        using (var before = JsonDocument.Parse(first))
        {
            Assert.Equal((Runs - Reruns, Reruns), (before.RootElement.GetProperty("total").GetProperty("passed").GetInt32(), before.RootElement.GetProperty("total").GetProperty("timedOut").GetInt32()));
        }

        Assert.Equal(Runs - Reruns, CrashKit.CountLines(effects));
        await File.WriteAllTextAsync(heal, "");
        output.WriteLine($"first run ended at {clock.Elapsed.TotalSeconds:F1} s");

        // Act: rerun; kill at each point, restart; the last server runs the rerun to its end.
        var inFlight = 0;
        for (var cycle = 0; cycle <= kills.Count; cycle++)
        {
            using var server = ServerProcess.Start(environment, "serve", "--urls", $"http://127.0.0.1:{port}", "--data", _data);
            await server.WaitForHealthAsync(http, TimeSpan.FromSeconds(60));
            if (cycle == 0)
            {
                using var rerun = await http.PostAsync($"/api/batches/{BatchId}/rerun", null);
                Assert.True(rerun.StatusCode == HttpStatusCode.Accepted, $"rerun answered {(int)rerun.StatusCode}: {await rerun.Content.ReadAsStringAsync()}");
            }

            if (cycle == kills.Count)
            {
                var version = await WaitForVersionAsync(http, server, 2);
                output.WriteLine($"rerun completed at {clock.Elapsed.TotalSeconds:F1} s");
                await AssertCountedOnceAsync(http, version, first, effects);
                Assert.True(inFlight > 0, "no execution was running at any kill, so none had to be re-adopted");
                break;
            }

            var (lines, pauseMs) = kills[cycle];
            var running = await CrashKit.KillAfterLinesAsync(server, effects, lines, pauseMs, _data, clock, seed);
            inFlight += running;
            output.WriteLine($"kill {cycle + 1}: SIGKILL at {clock.Elapsed.TotalSeconds:F2} s with {CrashKit.CountLines(effects)} effect lines written, {running} executions running");
        }
    }

    // results?version=N answers 202 while the rerun runs, 200 once it is written.
    private static async Task<JsonElement> WaitForVersionAsync(HttpClient http, ServerProcess server, int version)
    {
        var document = default(JsonElement);
        await Eventually.HoldsAsync(async () =>
        {
            Assert.False(server.HasExited, "serve exited on its own: " + server.Stderr);
            using var response = await http.GetAsync($"/api/batches/{BatchId}/results?version={version}");
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, $"results version {version} answered {(int)response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var parsed = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                document = parsed.RootElement.Clone();
            }

            return response.StatusCode == HttpStatusCode.OK;
        }, $"results version {version} is written", TimeSpan.FromMinutes(2));
        return document;
    }

    private async Task AssertCountedOnceAsync(HttpClient http, JsonElement version, string first, string effectsFile)
    {
        var status = await CrashKit.GetTotalAsync(http, BatchId);
        var rows = await CrashKit.GetRunsAsync(http, BatchId);
        var effects = CrashKit.ReadEffects(effectsFile);
        var total = version.GetProperty("total");
        output.WriteLine($"version 2: {total.GetProperty("passed").GetInt32()} passed, {total.GetProperty("retries").GetInt32()} retries, {total.GetProperty("attempts").GetInt32()} attempts");

        // Every run counted once, all passed; the plain results are version 2; version 1 as the batch first ended.
        Assert.Equal(2, version.GetProperty("version").GetInt32());
        Assert.Equal((Runs, Runs, 0), (total.GetProperty("runs").GetInt32(), total.GetProperty("passed").GetInt32(), total.GetProperty("timedOut").GetInt32()));
        Assert.Equal(Reruns, version.GetProperty("rerun").GetProperty("runs").GetInt32());
        Assert.Equal(total.GetRawText(), status.GetRawText());
        Assert.Equal(first, await http.GetStringAsync($"/api/batches/{BatchId}/results?version=1"));
        Assert.Equal("completed", (await http.GetFromJsonAsync(BatchId)).GetProperty("status").GetString());
        Assert.Equal(Runs, rows.Count);
        Assert.Equal(Runs, rows.Select(r => (r.GetProperty("task").GetString(), r.GetProperty("runIndex").GetInt32())).Distinct().Count());
        Assert.All(rows, r => Assert.Equal("passed", r.GetProperty("outcome").GetString()));

        // A kill can cut a launch (the attempt's launch recorded, its work not yet handed to the spawner): the resumed
        // driver gives that launch up after the launch grace and launches the work again, within the same attempt. Only
        // a work cut short three times in a row would lose its attempt, visibly, as one more attempt of its run (hence
        // maxAttempts 2: the rerun has room for it). Every other rerun run took exactly one attempt more than the 72 of
        // the first run.
        var cut = rows.Count(r => r.GetProperty("attempts").GetInt32() > 2);
        Assert.Equal(Runs + Reruns + cut, total.GetProperty("attempts").GetInt32());

        // Every command's effect once: the first run's for the runs that passed then, the rerun's (attempt 2 unless a
        // kill cut a launch) for the others, written by the execution the run's row names.
        Assert.Equal(Runs, effects.Count);
        Assert.Equal(Runs, effects.Select(e => (e.Task, e.Index)).Distinct().Count());
        var byRun = effects.ToDictionary(e => (e.Task, e.Index));
        Assert.All(rows, r =>
        {
            var effect = byRun[(r.GetProperty("task").GetString()!, r.GetProperty("runIndex").GetInt32())];
            Assert.Equal(effect.Execution, r.GetProperty("execution").GetString()!.Split('/')[^1]);
            Assert.Equal(r.GetProperty("attempts").GetInt32(), effect.Attempt);
            Assert.Equal(effect.Index % 3 == 0, effect.Attempt >= 2);
        });
    }
}

file static class StatusReads
{
    public static async Task<JsonElement> GetFromJsonAsync(this HttpClient http, string batchId)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync($"/api/batches/{batchId}"));
        return document.RootElement.Clone();
    }
}
