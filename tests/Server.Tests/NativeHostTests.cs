using System.Net;
using System.Text;
using System.Text.Json;

namespace Orchestration.Server.Tests;

/// <summary>The natively compiled command line (README: the native build, published before the tests run) gives what
/// the built dll gives: the same batch counts, the same dry-run bytes, nested settings bound, and a working server
/// and remote client. Reflection-based serialization and trimmed members fail only at run time, so only running it
/// shows that every path has what it needs.</summary>
public sealed class NativeHostTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _temp = Directory.CreateTempSubdirectory("native-").FullName;

    /// <summary>The native build: <c>ORCHESTRATION_NATIVE</c>, else where the README's publish command puts it.</summary>
    public static string Binary { get; } = ServerProcess.Artifact("ORCHESTRATION_NATIVE", "artifacts", "native", "Orchestration.Server");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
            // A detached execution may still be writing; the temp folder is left behind.
        }
    }

    [Fact]
    public async Task Run_Quickstart_SameCountsAndShapeAsTheDll()
    {
        var native = await NativeAsync(Env(), "run", "samples/quickstart.json", "--data", Data("native"), "--json");
        var dll = await ServerProcess.RunAsync("run", "samples/quickstart.json", "--data", Data("dll"), "--json");

        Assert.True(native.ExitCode == 0, $"exit {native.ExitCode}\n{native.Stdout}\n{native.Stderr}");
        Assert.Equal(dll.ExitCode, native.ExitCode);
        using var nativeJson = JsonDocument.Parse(native.Stdout);
        using var dllJson = JsonDocument.Parse(dll.Stdout);
        Assert.Equal(Counts(dllJson.RootElement), Counts(nativeJson.RootElement));
        Assert.Equal("passes=5/5 reads-input=5/5 fails=0/5 total=10/15 flagged todo=5 secret=0", Counts(nativeJson.RootElement));
        Assert.Equal(Shape(dllJson.RootElement), Shape(nativeJson.RootElement));
    }

    [Fact]
    public async Task RunDryRun_Json_SameBytesAsTheDll()
    {
        var native = await NativeAsync(Env(), "run", "samples/quickstart.json", "--data", Data("native"), "--dry-run", "--json");
        var dll = await ServerProcess.RunAsync("run", "samples/quickstart.json", "--data", Data("dll"), "--dry-run", "--json");

        Assert.True(native.ExitCode == 0, $"exit {native.ExitCode}\n{native.Stdout}\n{native.Stderr}");
        Assert.Contains("\"dryRun\": true", native.Stdout, StringComparison.Ordinal);
        Assert.Equal(dll.Stdout, native.Stdout);
    }

    [Fact]
    public async Task Run_NestedSettingFromTheEnvironment_BoundAndEnforced()
    {
        var environment = Env(("Orchestration__Batches__Limits__MaxParallelRuns", "2"));

        var native = await NativeAsync(environment, "run", "samples/quickstart.json", "--data", Data("native"), "--parallel", "3");

        Assert.True(native.ExitCode == 2, $"exit {native.ExitCode}\n{native.Stdout}\n{native.Stderr}");
        Assert.Contains("--parallel 3: must be between 1 and 2 (the limit of maxParallelRuns); nothing was started.", native.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CloudModeSetting_RefusedNamingTheSettingAndStartsNothing()
    {
        var environment = Env(("Google__CloudRun__Project", "a-project"), ("Google__CloudRun__Region", "europe-west1"), ("Google__Storage__Bucket", "a-bucket"));

        var native = await NativeAsync(environment, "run", "samples/quickstart.json", "--data", Data("native"));

        Assert.True(native.ExitCode == 2, $"exit {native.ExitCode}\n{native.Stdout}\n{native.Stderr}");
        Assert.Contains("Google:CloudRun:Project (Google__CloudRun__Project): cloud mode needs the .NET tool (README); this natively compiled build runs batches on this machine only.", native.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", native.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Data("native"), "stores.db")));
    }

    [Fact]
    public async Task Run_CtrlC_NativeBackgroundHostFinishesTheBatchThenRunShowsIt()
    {
        // One run at a time, so most of the batch is still pending when the command detaches.
        var file = Path.Combine(_temp, "queued.json");
        await File.WriteAllTextAsync(file, """{"maxParallelRuns": 1, "tasks": [{"id": "queued", "n": 3, "command": "sleep 1; echo slept"}]}""");
        var data = Data("detached");
        using (var run = ServerProcess.StartProgram([RequireBinary()], Env(), "run", file, "--data", data))
        {
            await run.WaitForOutputAsync("0/3 done, 1 running", Timeout);
            run.Interrupt();
            Assert.Equal(130, await run.WaitAsync(Timeout));
            Assert.Contains("goes on in a background host", run.Stderr, StringComparison.Ordinal);
        }

        var log = Path.Combine(data, "host.log");
        var hostLog = await ServerProcess.WaitForAsync(
            () => File.Exists(log) ? File.ReadAllText(log) : "no host.log",
            text => text.Contains("no batch is pending or running; stopping", StringComparison.Ordinal),
            TimeSpan.FromMinutes(2));
        Assert.True(hostLog.Contains("no batch is pending or running; stopping", StringComparison.Ordinal), "the native background host did not finish the batch and stop: " + hostLog);

        var again = await NativeAsync(Env(), "run", file, "--data", data);

        Assert.True(again.ExitCode == 0, $"exit {again.ExitCode}\n{again.Stdout}\n{again.Stderr}");
        var row = again.Stdout.Split('\n').Single(l => l.StartsWith("| queued ", StringComparison.Ordinal));
        Assert.Equal(["queued", "3", "3", "0"], row.Trim().Trim('|').Split('|').Select(c => c.Trim()).Take(4));
    }

    [Fact]
    public async Task Serve_SubmitOverHttpThenRemoteCommands_AnswersAsTheDllDoes()
    {
        const string key = "native-test-key-41c9";
        var url = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        using var server = ServerProcess.StartProgram([RequireBinary()], Env(("Orchestration__Api__Keys__0", key)), "serve", "--urls", url, "--data", Data("served"));
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Add("x-functions-key", key);
        await server.WaitForHealthAsync(http);

        var invalid = await http.PostAsync("/api/batches", new StringContent("""{"tasks": []}""", Encoding.UTF8, "application/json"));
        var submit = await http.PostAsync("/api/batches", new StringContent(
            """{"id": "native", "tasks": [{"id": "ok", "n": 3, "command": "echo hello"}, {"id": "bad", "n": 2, "command": "exit 4"}]}""", Encoding.UTF8, "application/json"));
        var status = await server.WaitForBatchEndAsync(http, "native", TimeSpan.FromSeconds(60));
        var csv = await http.GetStringAsync("/api/batches/native/results?format=csv");
        var stdout = await http.GetStringAsync("/api/batches/native/runs/ok/0/artifacts/stdout");
        var remote = Env(("ORCHESTRATION_URL", url), ("ORCHESTRATION_KEY", key));
        var statusCommand = await NativeAsync(remote, "status", "native", "--json");
        var results = await NativeAsync(remote, "results", "native");

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);
        using (var problem = JsonDocument.Parse(await invalid.Content.ReadAsStringAsync()))
        {
            Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        }

        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        using (var links = JsonDocument.Parse(await submit.Content.ReadAsStringAsync()))
        {
            Assert.Equal("native", links.RootElement.GetProperty("id").GetString());
        }

        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.Contains("hello", stdout, StringComparison.Ordinal);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.StartsWith("task,ok,3,3,0,0,0,0,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("total,,5,3,2,0,0,0,", lines[3], StringComparison.Ordinal);
        Assert.True(statusCommand.ExitCode == 0, $"exit {statusCommand.ExitCode}\n{statusCommand.Stdout}\n{statusCommand.Stderr}");
        using (var document = JsonDocument.Parse(statusCommand.Stdout))
        {
            Assert.Equal("completed", document.RootElement.GetProperty("status").GetString());
        }

        Assert.True(results.ExitCode == 0, $"exit {results.ExitCode}\n{results.Stdout}\n{results.Stderr}");
        Assert.Contains("| ok ", results.Stdout, StringComparison.Ordinal);
    }

    private static string RequireBinary()
    {
        Assert.True(File.Exists(Binary), $"The native build is missing at {Binary}: publish it first (README, 'Run the tests': dotnet publish src/Server -c Release -r linux-x64 -p:PublishAot=true -o artifacts/native), or set ORCHESTRATION_NATIVE to it.");
        return Binary;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> NativeAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = ServerProcess.StartProgram([RequireBinary()], environment, args);
        var code = await process.WaitAsync(Timeout);
        return (code, process.Stdout, process.Stderr);
    }

    private static Dictionary<string, string> Env(params (string Name, string Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => v.Value);

    private string Data(string name) => Path.Combine(_temp, name);

    /// <summary>Each task's passed/runs, the total, and the total's flag counts.</summary>
    private static string Counts(JsonElement aggregate)
    {
        var tasks = aggregate.GetProperty("tasks").EnumerateArray()
            .Select(t => $"{t.GetProperty("id").GetString()}={t.GetProperty("passed").GetInt32()}/{t.GetProperty("runs").GetInt32()}");
        var total = aggregate.GetProperty("total");
        var flagged = total.GetProperty("flagged").EnumerateObject().OrderByDescending(f => f.Name, StringComparer.Ordinal).Select(f => $"{f.Name}={f.Value.GetInt32()}");
        return $"{string.Join(' ', tasks)} total={total.GetProperty("passed").GetInt32()}/{total.GetProperty("runs").GetInt32()} flagged {string.Join(' ', flagged)}";
    }

    /// <summary>Every property path with its value kind: the document's shape without its values.</summary>
    private static string Shape(JsonElement element, string path = "$")
    {
        var lines = new List<string> { $"{path}:{element.ValueKind}" };
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                lines.AddRange(element.EnumerateObject().Select(p => Shape(p.Value, $"{path}.{p.Name}")));
                break;
            case JsonValueKind.Array:
                lines.AddRange(element.EnumerateArray().Select((item, i) => Shape(item, $"{path}[{i}]")));
                break;
        }

        return string.Join('\n', lines);
    }
}
