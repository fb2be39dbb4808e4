using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Orchestration.Engine.Tests;

/// <summary>Runs the engine in a child process (CrashHost) that dies at chosen commits or at random times,
/// restarting it on the same file until the workload completes.</summary>
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    private const int Activities = 300;
    private const int Children = 40;

    /// <summary>Kill points: the child kills itself right after this commit (counted from its own start).</summary>
    private static readonly long[] KillPoints = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 18, 20, 22, 25, 27, 30, 33, 40, 50, 60, 75, 90, 110, 140, 180, 230];

    private static long ExpectedOutput
        => Enumerable.Range(0, Activities).Sum(i => 2L * i)
            + Enumerable.Range(0, Children).Sum(j => (2L * (100_000 + j)) + (2L * (200_000 + j)));

    [Fact]
    public async Task ChildKilledAtCommitsAndAtRandom_EveryInstanceCompletesAndNoEffectIsLost()
    {
        var survived = new List<long>();
        var completedScenarios = 0;
        var scenario = Scenario.Create();
        try
        {
            // The listed points first; should the workload finish early too often (a loaded machine batches
            // more per commit), small extra points follow until at least 20 kills have been survived.
            var points = KillPoints.Concat(Enumerable.Range(1, 40).Select(i => (long)i));
            var tried = 0;
            foreach (var killAfter in points)
            {
                if (++tried > KillPoints.Length && survived.Count >= 20)
                {
                    break;
                }

                var run = await RunChildAsync(scenario, killAfter, killAfterMilliseconds: null);
                if (run.Killed)
                {
                    Assert.Contains($"KILLED after commit {killAfter}", run.Output, StringComparison.Ordinal);
                    survived.Add(killAfter);
                    continue;
                }

                // The workload finished before that commit: check it, then go on with a fresh file.
                Verify(scenario, run, $"kill point {killAfter}");
                completedScenarios++;
                scenario.Delete();
                scenario = Scenario.Create();
            }

            var randomKills = 0;
            for (var i = 0; i < 4; i++)
            {
                var delay = Random.Shared.Next(250, 900);
                var run = await RunChildAsync(scenario, 0, delay);
                output.WriteLine($"random SIGKILL after {delay} ms: killed={run.Killed}");
                randomKills += run.Killed ? 1 : 0;
            }

            var final = await RunChildAsync(scenario, 0, null);
            Verify(scenario, final, "final run");
            completedScenarios++;

            output.WriteLine($"survived {survived.Count} deterministic kill points ({string.Join(", ", survived)}), {randomKills} random SIGKILLs, {completedScenarios} workloads completed");
            Assert.True(survived.Count >= 20, $"only {survived.Count} kill points hit: {string.Join(", ", survived)}");
        }
        finally
        {
            scenario.Delete();
        }
    }

    private void Verify(Scenario scenario, ChildRun run, string when)
    {
        var context = $"{when} (replay: kill points {string.Join(",", KillPoints)}; file {scenario.Database}):\n{run.Output}";
        Assert.True(run.ExitCode == 0, $"child failed at {context}");
        Assert.Contains($"DONE Completed {ExpectedOutput} children={Children}", run.Output, StringComparison.Ordinal);
        var effects = File.ReadAllLines(scenario.Effects).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToHashSet();
        var expected = Enumerable.Range(0, Activities)
            .Concat(Enumerable.Range(0, Children).Select(j => 100_000 + j))
            .Concat(Enumerable.Range(0, Children).Select(j => 200_000 + j));
        var lost = expected.Where(k => !effects.Contains(k)).ToList();
        Assert.True(lost.Count == 0, $"effects lost at {context}: {string.Join(",", lost.Take(20))}");

        // Every work item was acknowledged: no activity or message left behind.
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={scenario.Database}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM activities) + (SELECT COUNT(*) FROM inbox)";
        Assert.Equal(0L, (long)command.ExecuteScalar()!);
        command.CommandText = "SELECT COUNT(*) FROM instances WHERE status <> 1";
        Assert.Equal(0L, (long)command.ExecuteScalar()!);
    }

    private async Task<ChildRun> RunChildAsync(Scenario scenario, long killAfterCommit, int? killAfterMilliseconds)
    {
        var host = Path.GetFullPath(Path.Combine(
            AppContext.BaseDirectory, "..", "..", "..", "CrashHost", "bin",
            new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "Orchestration.Engine.CrashHost.dll"));
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { host, scenario.Database, scenario.Effects, killAfterCommit.ToString(CultureInfo.InvariantCulture), Activities.ToString(CultureInfo.InvariantCulture), Children.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var killedByTest = false;
        if (killAfterMilliseconds is { } ms && !process.WaitForExit(ms))
        {
            process.Kill(); // SIGKILL
            killedByTest = true;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"child hung (kill point {killAfterCommit}): {await stdout}{await stderr}");
        }

        var text = await stdout + await stderr;
        var killed = killedByTest || text.Contains("KILLED after commit", StringComparison.Ordinal);
        output.WriteLine($"kill point {killAfterCommit}: exit {process.ExitCode}, killed={killed}");
        return new ChildRun(process.ExitCode, text, killed);
    }

    private sealed record ChildRun(int ExitCode, string Output, bool Killed);

    private sealed record Scenario(string Database, string Effects)
    {
        public static Scenario Create()
        {
            var stem = Path.Combine(Path.GetTempPath(), $"engine-crash-{Guid.NewGuid():N}");
            return new Scenario(stem + ".db", stem + ".effects");
        }

        public void Delete()
        {
            TestEngine.DeleteDatabase(Database);
            File.Delete(Effects);
        }
    }
}
