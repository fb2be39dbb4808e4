using System.Net;
using System.Text;
using System.Text.Json;
using Orchestration.Fakes;

namespace Orchestration.Server.Tests;

/// <summary><c>serve</c> in cloud mode: with <c>Google:CloudRun:Project</c> set, runs go to Cloud Run
/// and objects to GCS (here the loopback fakes), not to local processes.</summary>
public sealed class CloudModeTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("serve-cloud-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Serve_CloudRunSettings_RunsStartedOnCloudRunWithSpecsInGcs()
    {
        await using var gcs = new FakeGcsServer("cloud-bucket");
        await using var run = new FakeCloudRunServer("proj", "europe-west1");
        await gcs.StartAsync();
        await run.StartAsync();
        run.ExecutionCreated += execution => _ = Task.Run(() => PlayRunner(gcs, run, execution));
        var port = ServerProcess.FreePort();
        using var server = ServerProcess.Start(
            new Dictionary<string, string>
            {
                ["Google__CloudRun__Project"] = run.Project,
                ["Google__CloudRun__Region"] = run.Region,
                ["Google__CloudRun__BaseUrl"] = run.BaseUrl.ToString(),
                ["Google__CloudRun__OperationPollInterval"] = "00:00:00.050",
                ["Google__Storage__Bucket"] = gcs.Bucket,
                ["Google__Storage__BaseUrl"] = gcs.BaseUrl.ToString(),
                ["Google__Credentials__Mode"] = "None",
            },
            "serve", "--urls", $"http://127.0.0.1:{port}", "--data", _data);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        await server.WaitForHealthAsync(http);

        var submit = await http.PostAsync("/api/batches", new StringContent(
            """{"id": "cloudy", "tasks": [{"id": "t", "n": 3, "command": "make test", "profile": {"image": "europe-docker.pkg.dev/proj/runner/runner:1"}}]}""", Encoding.UTF8, "application/json"));
        var status = (await server.WaitForBatchEndAsync(http, "cloudy", TimeSpan.FromSeconds(60))).GetProperty("status").GetString();

        using var results = JsonDocument.Parse(await http.GetStringAsync("/api/batches/cloudy/results"));

        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        Assert.Equal("completed", status);
        Assert.Equal(3, results.RootElement.GetProperty("total").GetProperty("passed").GetInt32());
        // Cloud mode packs: the three runs' attempts are the three tasks of one execution, named by its manifest.
        var pack = Assert.Single(run.Executions);
        Assert.Equal(3, pack.TaskCount);
        Assert.Matches("^gs://cloud-bucket/runs/cloudy/[^/]+/_packs/c0-p0/manifest.tsv$", pack.Environment[PackManifest.Variable]);
        Assert.All(pack.Tasks, t => Assert.Equal(FakeExecutionState.Succeeded, t.State));
        Assert.Contains(gcs.Objects, o => o.Name.StartsWith("runs/cloudy/", StringComparison.Ordinal) && o.Name.EndsWith("/t/spec.json", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(_data, "executions")) && Directory.EnumerateFileSystemEntries(Path.Combine(_data, "executions")).Any(), "no local process in cloud mode");
    }

    [Fact]
    public async Task Serve_CloudRunWithoutBucket_RefusedAtStartNamingTheSetting()
    {
        var (exitCode, stdout, stderr) = await ServerProcess.RunAsync(
            new Dictionary<string, string> { ["Google__CloudRun__Project"] = "proj", ["Google__CloudRun__Region"] = "europe-west1", ["Google__Credentials__Mode"] = "None" },
            "serve", "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}", "--data", _data);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Google:Storage:Bucket", stdout + stderr, StringComparison.Ordinal);
    }

    // The runner's part, per task of a packed execution (its manifest line) or for the one attempt of an execution of
    // its own: claim, result.json, then the task (or the execution) ends.
    private static void PlayRunner(FakeGcsServer gcs, FakeCloudRunServer run, FakeExecution execution)
    {
        if (execution.Environment.TryGetValue(PackManifest.Variable, out var manifest))
        {
            foreach (var entry in PackManifest.Parse(Encoding.UTF8.GetString(gcs.Get(PackManifest.ObjectName(manifest))!.Data)))
            {
                Work(gcs, execution, entry.Prefix, entry.TaskIndex);
                run.CompleteTask(execution.Name, entry.TaskIndex);
            }

            return;
        }

        Work(gcs, execution, PackManifest.ObjectName(execution.Environment["RUN_PREFIX"]), null);
        run.Complete(execution.Name, succeeded: true);
    }

    private static void Work(FakeGcsServer gcs, FakeExecution execution, string prefix, int? taskIndex)
    {
        var now = DateTimeOffset.UtcNow.ToString("O");
        var task = taskIndex is { } index ? $", \"taskIndex\": {index}" : "";
        gcs.PutText(prefix + "claim", $$"""{"execution": "{{execution.Id}}"{{task}}, "startedAt": "{{now}}"}""");
        gcs.PutText(prefix + "response.txt", "ok");
        gcs.PutText(prefix + "result.json", $$"""{"exitCode": 0, "termination": "none", "startedAt": "{{now}}", "endedAt": "{{now}}", "runnerVersion": "1"}""");
    }
}
