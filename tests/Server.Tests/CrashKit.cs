using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Orchestration.Server.Tests;

/// <summary>What the kill-and-resume and crash-matrix tests share: a loopback host's HTTP surface, the effects
/// file every run appends to, and the local runner's execution folders.</summary>
internal static class CrashKit
{
    /// <summary>The crash server, built beside this assembly's configuration.</summary>
    public static string CrashServerDll { get; } = Path.GetFullPath(Path.Combine(
        AppContext.BaseDirectory, "..", "..", "..", "CrashServer", "bin",
        new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "Orchestration.Server.CrashServer.dll"));


    /// <summary>A bash command for a task: an optional pause, then one appended line
    /// <c>task:index:attempt:execution</c> read from the runner's <c>RUN_PREFIX</c> and <c>CLOUD_RUN_EXECUTION</c>.</summary>
    public static string EffectCommand(string effectsFile, string pause) =>
        $"sleep {pause}; IFS=/ read -ra p <<< \"${{RUN_PREFIX%/}}\"; echo \"${{p[-3]}}:${{p[-2]}}:${{p[-1]#a}}:$CLOUD_RUN_EXECUTION\" >> '{effectsFile}'";

    public static IReadOnlyList<Effect> ReadEffects(string effectsFile) =>
        File.Exists(effectsFile)
            ? File.ReadAllLines(effectsFile).Where(l => l.Length > 0).Select(Effect.Parse).ToList()
            : [];

    public static int CountLines(string file)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var count = 0;
            int b;
            while ((b = stream.ReadByte()) >= 0)
            {
                count += b == '\n' ? 1 : 0;
            }

            return count;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }


    /// <summary>Waits until the effects file has <paramref name="lines"/> lines, then <paramref name="pauseMs"/> more, and
    /// SIGKILLs the server: a kill point that lands while runs are in flight however fast the machine is.</summary>
    /// <returns>How many executions were running at the kill.</returns>
    /// <remarks>Stuck means no new effect line for a minute (a run takes under a second of work); a slow but
    /// progressing machine is not a failure.</remarks>
    public static async Task<int> KillAfterLinesAsync(ServerProcess server, string effects, int lines, int pauseMs, string dataFolder, Stopwatch clock, int seed)
    {
        var (seen, lastProgress) = (CountLines(effects), clock.Elapsed);
        while (seen < lines)
        {
            Assert.False(server.HasExited, "serve exited on its own: " + server.Stderr);
            Assert.True(clock.Elapsed - lastProgress < TimeSpan.FromMinutes(1), $"no progress to {lines} lines (stuck at {seen} for a minute); seed {seed}");
            await Task.Delay(20);
            var now = CountLines(effects);
            if (now > seen)
            {
                (seen, lastProgress) = (now, clock.Elapsed);
            }
        }

        await Task.Delay(pauseMs);
        server.Kill();
        return CountRunning(dataFolder);
    }

    public static async Task SubmitAsync(HttpClient http, string json)
    {
        using var response = await http.PostAsync("/api/batches", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"submit answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Polls the status document until the batch is over; returns its status.</summary>

    public static async Task<JsonElement> GetTotalAsync(HttpClient http, string batchId)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync($"/api/batches/{batchId}/results"));
        return document.RootElement.GetProperty("total").Clone();
    }

    public static async Task<IReadOnlyList<JsonElement>> GetRunsAsync(HttpClient http, string batchId)
    {
        var text = await http.GetStringAsync($"/api/batches/{batchId}/runs?format=jsonl");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    /// <summary>Every execution the local runner recorded under the data folder.</summary>
    public static IReadOnlyList<LocalExecution> ReadExecutions(string dataFolder)
    {
        var root = Path.Combine(dataFolder, "executions", "executions");
        if (!Directory.Exists(root))
        {
            return [];
        }

        // A folder without execution.json is a crash between the runner's mkdir and its record: never an
        // execution (the runner skips it too), so not counted here.
        return Directory.EnumerateDirectories(root).Where(folder => File.Exists(Path.Combine(folder, "execution.json"))).Select(folder =>
        {
            using var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "execution.json")));
            var prefix = record.RootElement.GetProperty("environment").GetProperty("RUN_PREFIX").GetString()!;
            var exit = Path.Combine(folder, "exit");
            return new LocalExecution(
                Path.GetFileName(folder),
                prefix,
                File.Exists(Path.Combine(folder, "launched")),
                File.Exists(exit) ? File.ReadAllText(exit).Trim() : null);
        }).ToList();
    }

    /// <summary>Executions launched and not yet ended (no <c>exit</c> file), from their folders alone.</summary>
    public static int CountRunning(string dataFolder)
    {
        var root = Path.Combine(dataFolder, "executions", "executions");
        return Directory.Exists(root)
            ? Directory.EnumerateDirectories(root).Count(d => File.Exists(Path.Combine(d, "launched")) && !File.Exists(Path.Combine(d, "exit")))
            : 0;
    }

    /// <summary>SIGKILLs the process group of every execution still alive (their own sessions outlive the hosts).</summary>
    /// <returns>How many groups were signalled.</returns>
    public static int KillLeftoverExecutions(string dataFolder)
    {
        var root = Path.Combine(dataFolder, "executions", "executions");
        if (!Directory.Exists(root))
        {
            return 0;
        }

        var killed = 0;
        foreach (var pidFile in Directory.EnumerateDirectories(root).Select(d => Path.Combine(d, "pid")).Where(File.Exists))
        {
            var parts = File.ReadAllText(pidFile).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid) || !IsSameProcess(pid, parts[1]))
            {
                continue;
            }

            using var kill = Process.Start("kill", ["-KILL", "--", "-" + pid.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
            killed++;
        }

        return killed;
    }

    public static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // An execution may still be writing: the temp folder is left behind.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    private static bool IsSameProcess(int pid, string startTime)
    {
        try
        {
            // Field 22 of /proc/PID/stat (after the parenthesised name) is the start time the wrapper recorded.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 && fields[19] == startTime && fields[0] != "Z";
        }
        catch (IOException)
        {
            return false;
        }
    }
}
