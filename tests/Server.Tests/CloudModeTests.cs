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
        Assert.Equal(3, run.Executions.Count);
        Assert.All(run.Executions, e => Assert.StartsWith("gs://cloud-bucket/runs/cloudy/", e.Environment["RUN_PREFIX"], StringComparison.Ordinal));
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

    // The runner's part: claim, result.json, then the execution ends.
    private static void PlayRunner(FakeGcsServer gcs, FakeCloudRunServer run, FakeExecution execution)
    {
        var prefix = execution.Environment["RUN_PREFIX"]["gs://cloud-bucket/".Length..];
        var now = DateTimeOffset.UtcNow.ToString("O");
        gcs.PutText(prefix + "claim", $$"""{"execution": "{{execution.Id}}", "startedAt": "{{now}}"}""");
        gcs.PutText(prefix + "response.txt", "ok");
        gcs.PutText(prefix + "result.json", $$"""{"exitCode": 0, "termination": "none", "startedAt": "{{now}}", "endedAt": "{{now}}", "runnerVersion": "1"}""");
        run.Complete(execution.Name, succeeded: true);
    }
}
