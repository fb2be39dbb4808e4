using System.Text.Json;
using System.Text.RegularExpressions;
using Orchestration.Tests.Waiting;

namespace Orchestration.Server.Tests;

/// <summary><c>run FILE</c> end to end: the built executable as a child process, the real runner script
/// run by the local job runner as detached processes.</summary>
public sealed partial class RunCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _temp = Directory.CreateTempSubdirectory("server-tests-").FullName;

    private string Data => Path.Combine(_temp, "data");

    private int ExecutionFolders => Directory.GetDirectories(Path.Combine(Data, "executions", "executions")).Length;

    [Fact]
    public async Task Run_Quickstart_ExitsZeroWithExactCountsPerTask()
    {
        var (code, stdout, stderr) = await ServerProcess.RunAsync("run", "samples/quickstart.json", "--data", Data);

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Equal(["5", "5", "0", "0", "0", "0", "-"], Row(stdout, "passes")[1..8]);
        Assert.Equal(["5", "5", "0", "0", "0", "0", "secret=0, todo=5"], Row(stdout, "reads-input")[1..8]);
        Assert.Equal(["5", "0", "5", "0", "0", "0", "-"], Row(stdout, "fails")[1..8]);
        Assert.Equal(["15", "10", "5", "0", "0", "0", "secret=0, todo=5"], Row(stdout, "TOTAL")[1..8]);
        Assert.Equal("67% (42-85%)", Row(stdout, "TOTAL")[8]);
        Assert.Equal(15, ExecutionFolders);
    }

    [Fact]
    public async Task Run_PollsAnHourApart_RunsJudgedAsTheirExecutionsEnd()
    {
        // Polls an hour apart and an hour to claim: within the 60 s `run` is given, only the local runner's word of
        // each execution's end has the runs judged.
        var environment = new Dictionary<string, string>
        {
            ["Orchestration__Batches__Workflow__Polling__FirstDelay"] = "01:00:00",
            ["Orchestration__Batches__Workflow__Polling__MaxDelay"] = "01:00:00",
            ["Orchestration__Batches__Workflow__Polling__StartGrace"] = "01:00:00",
        };

        var (code, stdout, stderr) = await ServerProcess.RunAsync(environment, "run", "samples/quickstart.json", "--data", Data, "--json");

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        using var json = JsonDocument.Parse(stdout);
        var total = json.RootElement.GetProperty("total");
        Assert.Equal((15, 10, 5), (total.GetProperty("runs").GetInt32(), total.GetProperty("passed").GetInt32(), total.GetProperty("failed").GetInt32()));
    }

    [Fact]
    public async Task Run_QuickstartJsonThenAgain_SameBatchResumedWithoutNewExecutions()
    {
        var first = await ServerProcess.RunAsync("run", "samples/quickstart.json", "--data", Data, "--json");
        var executions = ExecutionFolders;
        var second = await ServerProcess.RunAsync("run", "samples/quickstart.json", "--data", Data, "--json");

        Assert.True(first.ExitCode == 0, $"exit {first.ExitCode}\n{first.Stdout}\n{first.Stderr}");
        Assert.Equal(0, second.ExitCode);
        using var json = JsonDocument.Parse(first.Stdout);
        var total = json.RootElement.GetProperty("total");
        Assert.Equal((15, 10, 5, 0, 0, 0), (total.GetProperty("runs").GetInt32(), total.GetProperty("passed").GetInt32(), total.GetProperty("failed").GetInt32(),
            total.GetProperty("errored").GetInt32(), total.GetProperty("timedOut").GetInt32(), total.GetProperty("cancelled").GetInt32()));
        Assert.Equal(5, total.GetProperty("flagged").GetProperty("todo").GetInt32());
        Assert.Equal(["passes", "reads-input", "fails"], json.RootElement.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        var id = BatchId().Match(first.Stderr).Groups[1].Value;
        Assert.Matches("^quickstart-[0-9a-f]{12}$", id);
        Assert.Contains($"Batch {id}: already submitted; resuming.", second.Stderr, StringComparison.Ordinal);
        Assert.Equal(first.Stdout, second.Stdout);
        Assert.Equal(15, executions);
        Assert.Equal(executions, ExecutionFolders);
    }

    [Fact]
    public async Task RunDryRun_Quickstart_PlanPrintedAndNothingRunsOrIsStored()
    {
        var table = await ServerProcess.RunAsync("run", "samples/quickstart.json", "--data", Data, "--dry-run");
        var json = await ServerProcess.RunAsync("run", "samples/quickstart.json", "--data", Data, "--dry-run", "--json");

        Assert.True(table.ExitCode == 0, $"exit {table.ExitCode}\n{table.Stdout}\n{table.Stderr}");
        Assert.Contains("Dry run: nothing was started or stored", table.Stdout, StringComparison.Ordinal);
        Assert.Equal(["command", "5"], Row(table.Stdout, "passes")[1..3]);
        Assert.Equal("15", Row(table.Stdout, "TOTAL")[2]);
        Assert.Equal(0, json.ExitCode);
        using var plan = JsonDocument.Parse(json.Stdout);
        Assert.Matches("^quickstart-[0-9a-f]{12}$", plan.RootElement.GetProperty("batchId").GetString());
        Assert.False(plan.RootElement.GetProperty("exists").GetBoolean());
        Assert.Equal(15, plan.RootElement.GetProperty("runs").GetInt32());
        Assert.All(plan.RootElement.GetProperty("jobs").EnumerateArray(), j => Assert.False(j.GetProperty("exists").GetBoolean()));
        Assert.False(Directory.Exists(Path.Combine(Data, "executions", "executions")) && ExecutionFolders > 0);
        Assert.False(Directory.Exists(Path.Combine(Data, "executions", "jobs")) && Directory.EnumerateFiles(Path.Combine(Data, "executions", "jobs")).Any());
    }

    [Fact]
    public async Task Run_FlakySample_EveryFailureFlaggedAndCounted()
    {
        var (code, stdout, stderr) = await ServerProcess.RunAsync("run", "samples/flaky-tests.json", "--data", Data, "--json");

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        using var json = JsonDocument.Parse(stdout);
        var total = json.RootElement.GetProperty("total");
        var (passed, failed) = (total.GetProperty("passed").GetInt32(), total.GetProperty("failed").GetInt32());
        Assert.Equal(20, total.GetProperty("runs").GetInt32());
        Assert.Equal(20, passed + failed);
        Assert.Equal(failed, total.GetProperty("flagged").GetProperty("flaky").GetInt32());
        Assert.Equal(20, total.GetProperty("passRate").GetProperty("total").GetInt32());
        Assert.True(Directory.Exists(Path.Combine(Data, "gcs", "local", "runs", "flaky-tests-study")), "outputs under gcs/{bucket}/runs/{batch}");
        Assert.Equal("*", File.ReadAllLines(Path.Combine(Data, ".gitignore"))[^1]);
    }

    [Fact]
    public async Task Run_InvalidFile_ListsProblemsByPathAndStartsNothing()
    {
        var file = Write("broken.json", """{"tasks": [{"id": "bad id!", "n": 0, "command": "true", "flags": {"x": {}}}], "webhook": {"url": "http://example.com/h"}}""");

        var (code, stdout, stderr) = await ServerProcess.RunAsync("run", file, "--data", Data);

        Assert.Equal(2, code);
        Assert.Contains("nothing was started", stderr, StringComparison.Ordinal);
        var problems = stderr.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        Assert.Equal(["webhook.url", "tasks[0].id", "tasks[0].n", "tasks[0].flags.x"], problems.Select(p => p[..p.IndexOf(": ", StringComparison.Ordinal)]));
        Assert.Contains("tasks[0].n: Must be between 1 and 1000.", problems);
        Assert.Equal("", stdout);
        Assert.False(Directory.Exists(Data));
    }

    [Fact]
    public async Task Run_BrokenJson_ReportsWhereAndStartsNothing()
    {
        var file = Write("truncated.json", """{"tasks": [{"id": "a", "command": "true"}""");

        var (code, _, stderr) = await ServerProcess.RunAsync("run", file, "--data", Data);

        Assert.Equal(2, code);
        Assert.Contains("truncated.json is not a valid batch; nothing was started:", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Data));
    }

    [Fact]
    public async Task Run_InvalidSetting_NamesTheSettingAndStartsNoBatch()
    {
        var environment = new Dictionary<string, string> { ["LocalRunner__MaxParallelExecutions"] = "0" };

        var (code, _, stderr) = await ServerProcess.RunAsync(environment, "run", "samples/quickstart.json", "--data", Data);

        Assert.Equal(2, code);
        Assert.Contains("LocalRunner:MaxParallelExecutions (LocalRunner__MaxParallelExecutions): The field MaxParallelExecutions must be between 1 and 10000.", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Data, "stores.db")));
    }

    [Fact]
    public async Task Run_InvalidBatchesSetting_RefusedWithoutAStackTraceAndStartsNoBatch()
    {
        var environment = new Dictionary<string, string> { ["Orchestration__Batches__MaxBundleBytes"] = "0" };

        var (code, _, stderr) = await ServerProcess.RunAsync(environment, "run", "samples/quickstart.json", "--data", Data);

        Assert.True(code == 2, $"exit {code}\n{stderr}");
        Assert.Contains("Invalid settings; nothing was started:", stderr, StringComparison.Ordinal);
        Assert.Contains("Orchestration:Batches:MaxBundleBytes must be positive.", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Data, "stores.db")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    public async Task Run_ParallelOutsideTheLimit_RefusedAndStartsNothing(string parallel)
    {
        var (code, stdout, stderr) = await ServerProcess.RunAsync("run", "samples/quickstart.json", "--data", Data, "--parallel", parallel);

        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains($"--parallel {parallel}: must be between 1 and 1000 (the limit of maxParallelRuns); nothing was started.", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
        Assert.False(Directory.Exists(Data));
    }

    [Fact]
    public async Task Run_ParallelGivenOrNot_BatchRunsWithItOrWithCoresTimesFour()
    {
        var file = Write("bare.json", """{"tasks": [{"id": "bare", "n": 2, "command": "true"}]}""");

        var plain = await ServerProcess.RunAsync("run", file, "--data", Data, "--json");
        var given = await ServerProcess.RunAsync("run", file, "--data", Data, "--json", "--parallel", "3");

        Assert.True(plain.ExitCode == 0, $"exit {plain.ExitCode}\n{plain.Stdout}\n{plain.Stderr}");
        Assert.True(given.ExitCode == 0, $"exit {given.ExitCode}\n{given.Stdout}\n{given.Stderr}");
        var plainId = BatchId().Match(plain.Stderr).Groups[1].Value;
        var givenId = BatchId().Match(given.Stderr).Groups[1].Value;
        Assert.NotEqual(plainId, givenId);
        Assert.Equal(Environment.ProcessorCount * 4, StoredMaxParallelRuns(plainId));
        Assert.Equal(3, StoredMaxParallelRuns(givenId));
        using var json = JsonDocument.Parse(given.Stdout);
        Assert.Equal(2, json.RootElement.GetProperty("total").GetProperty("passed").GetInt32());
    }

    [Fact]
    public async Task Run_ParallelAboveTheLocalRunnersDefaultCap_ThatManyCommandsRunAtOnce()
    {
        // Above cores x 4, the local runner's default cap: --parallel raises it for the command.
        var parallel = (Environment.ProcessorCount * 4) + 2;
        var started = Directory.CreateDirectory(Path.Combine(_temp, "started")).FullName;
        var file = Write("wide.json", $$"""{"tasks": [{"id": "wide", "n": {{parallel}}, "command": "touch {{started}}/$CLOUD_RUN_EXECUTION; sleep 120"}]}""");
        using var server = ServerProcess.Start("run", file, "--data", Data, "--parallel", parallel.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await Eventually.HoldsAsync(() => Directory.GetFiles(started).Length == parallel, $"{parallel} commands running at once", TimeSpan.FromSeconds(90));
        server.Interrupt();
        await server.WaitForOutputAsync("Press Ctrl-C again", Timeout);
        server.Interrupt();
        var code = await server.WaitAsync(Timeout);

        Assert.True(code == 1, $"exit {code}\n{server.Stdout}\n{server.Stderr}");
        Assert.Equal(parallel, Directory.GetFiles(started).Length);
    }

    [Fact]
    public async Task Run_ClaudeSampleWithoutOptIn_RefusedBeforeAnythingStarts()
    {
        var (code, _, stderr) = await ServerProcess.RunAsync("run", "samples/claude-review.json", "--data", Data);

        Assert.Equal(2, code);
        Assert.Contains("Claude tasks (xss-review)", stderr, StringComparison.Ordinal);
        Assert.Contains("--allow-local-claude", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Data));
    }

    [Fact]
    public async Task Run_CtrlCThenRunAgain_DetachesAndResumesTheSameExecutions()
    {
        var file = Write("sleepy.json", """{"tasks": [{"id": "sleepy", "n": 3, "command": "sleep 5; echo slept"}]}""");
        using (var server = ServerProcess.Start("run", file, "--data", Data))
        {
            await server.WaitForOutputAsync("0/3 done, 3 running", Timeout);
            server.Interrupt();
            Assert.Equal(130, await server.WaitAsync(Timeout));
            Assert.Contains("run the same command again", server.Stderr, StringComparison.Ordinal);
        }

        var (code, stdout, stderr) = await ServerProcess.RunAsync("run", file, "--data", Data);

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains("already submitted; resuming", stderr, StringComparison.Ordinal);
        Assert.Equal(["3", "3", "0", "0", "0", "0", "-"], Row(stdout, "sleepy")[1..8]);
        Assert.Equal(3, ExecutionFolders);
    }

    [Fact]
    public async Task Run_CtrlCTwice_CancelsAndExitsNonZero()
    {
        var file = Write("long.json", """{"tasks": [{"id": "long", "n": 2, "command": "sleep 60"}]}""");
        using var server = ServerProcess.Start("run", file, "--data", Data);
        await server.WaitForOutputAsync("0/2 done, 2 running", Timeout);

        server.Interrupt();
        await server.WaitForOutputAsync("Press Ctrl-C again", Timeout);
        server.Interrupt();
        var code = await server.WaitAsync(Timeout);

        Assert.True(code == 1, $"exit {code}\n{server.Stdout}\n{server.Stderr}");
        Assert.Equal(["2", "0", "0", "0", "0", "2", "-"], Row(server.Stdout, "long")[1..8]);
        Assert.Contains("did not complete: cancelled", server.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CancelOptionAfterDetach_CancelsTheDetachedBatch()
    {
        var file = Write("detached.json", """{"tasks": [{"id": "long", "n": 2, "command": "sleep 60"}]}""");
        using (var server = ServerProcess.Start("run", file, "--data", Data))
        {
            await server.WaitForOutputAsync("0/2 done, 2 running", Timeout);
            server.Interrupt();
            Assert.Equal(130, await server.WaitAsync(Timeout));
        }

        var (code, stdout, stderr) = await ServerProcess.RunAsync("run", file, "--data", Data, "--cancel");

        Assert.True(code == 1, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains("cancelling; waiting for the running executions to stop", stderr, StringComparison.Ordinal);
        Assert.Equal(["2", "0", "0", "0", "0", "2", "-"], Row(stdout, "long")[1..8]);
        Assert.Equal(2, ExecutionFolders);
    }

    [Fact]
    public async Task Run_CtrlC_BackgroundHostFinishesTheWholeBatchAndExits()
    {
        // One run at a time, so most of the batch is still pending when the command detaches.
        var file = Write("queued.json", """{"maxParallelRuns": 1, "tasks": [{"id": "queued", "n": 3, "command": "sleep 2; echo slept"}]}""");
        using (var server = ServerProcess.Start("run", file, "--data", Data))
        {
            await server.WaitForOutputAsync("0/3 done, 1 running", Timeout);
            server.Interrupt();
            Assert.Equal(130, await server.WaitAsync(Timeout));
            Assert.Contains("goes on in a background host", server.Stderr, StringComparison.Ordinal);
        }

        var status = await ServerProcess.WaitForAsync(() => StoredStatus("queued"), s => s == "completed", TimeSpan.FromMinutes(2));
        var released = await ServerProcess.WaitForAsync(LockIsFree, free => free, TimeSpan.FromMinutes(1));

        Assert.Equal("completed", status);
        Assert.True(released, "the background host still holds the data folder after the batch completed");
        Assert.Equal(3, ExecutionFolders);
        using var aggregate = JsonDocument.Parse(SqliteScalar(Path.Combine(Data, "stores.db"), "SELECT document FROM aggregates")!);
        Assert.Equal(3, aggregate.RootElement.GetProperty("total").GetProperty("passed").GetInt32());
        Assert.Contains("no batch is pending or running; stopping", File.ReadAllText(Path.Combine(Data, "host.log")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DataFolderHeldByServe_RefusedNamingTheHolder()
    {
        var port = ServerProcess.FreePort();
        using var server = ServerProcess.Start("serve", "--urls", $"http://127.0.0.1:{port}", "--data", Data);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        await server.WaitForHealthAsync(http);

        var (code, stdout, stderr) = await ServerProcess.RunAsync("run", "samples/quickstart.json", "--data", Data);

        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains($"is in use by 'orchestration serve' (pid {server.Id}); two hosts must never drive one data folder", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Data, "executions", "executions")) && ExecutionFolders > 0, "the refused run started executions");
    }

    public void Dispose()
    {
        // A background host left by a failed test: end it (its pid is in the data folder it holds).
        var pidFile = Path.Combine(Data, "host.pid");
        if (!LockIsFree() && File.Exists(pidFile) && File.ReadAllText(pidFile).Split(' ') is [var pid, var role] && role.Trim() == "background")
        {
            try
            {
                using var host = System.Diagnostics.Process.GetProcessById(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture));
                host.Kill();
                host.WaitForExit(10_000);
            }
            catch (ArgumentException)
            {
                // already gone
            }
        }

        try
        {
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
            // A runner process may still be writing; the temp folder is left behind.
        }
    }

    private static string[] Row(string table, string task)
    {
        var line = table.Split('\n').FirstOrDefault(l => l.StartsWith($"| {task} ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"No row for {task} in:\n{table}");
        return [.. line.Trim().Trim('|').Split('|').Select(c => c.Trim())];
    }

    private bool LockIsFree()
    {
        var path = Path.Combine(Data, "host.lock");
        if (!File.Exists(path))
        {
            return true;
        }

        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private string? StoredStatus(string batchPrefix) =>
        File.Exists(Path.Combine(Data, "stores.db"))
            ? SqliteScalar(Path.Combine(Data, "stores.db"), $"SELECT status FROM batches WHERE id LIKE '{batchPrefix}%'")
            : null;

    private int StoredMaxParallelRuns(string batchId)
    {
        using var document = JsonDocument.Parse(SqliteScalar(Path.Combine(Data, "stores.db"), $"SELECT document FROM batches WHERE id = '{batchId}'")!);
        return document.RootElement.GetProperty("maxParallelRuns").GetInt32();
    }

    private static string? SqliteScalar(string path, string sql)
    {
        try
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return command.ExecuteScalar() switch { byte[] b => System.Text.Encoding.UTF8.GetString(b), var v => v?.ToString() };
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // Busy or not created yet: ask again.
            return null;
        }
    }

    private string Write(string name, string json)
    {
        var path = Path.Combine(_temp, name);
        File.WriteAllText(path, json);
        return path;
    }

    [GeneratedRegex(@"Batch (\S+): submitted")]
    private static partial Regex BatchId();
}
