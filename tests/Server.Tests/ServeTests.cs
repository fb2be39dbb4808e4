using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Orchestration.Server.Tests;

/// <summary><c>serve</c> as a child process on a loopback port: the API over the embedded engine and the
/// local job runner running the real runner script.</summary>
public sealed class ServeTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("serve-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A detached execution may still be writing; the temp folder is left behind.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Serve_SubmitOverHttp_BatchCompletesWithResults()
    {
        var port = FreePort();
        using var server = ServerProcess.Start("serve", "--urls", $"http://127.0.0.1:{port}", "--data", _data);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        await WaitForHealthAsync(http, server);

        var submit = await http.PostAsync("/api/batches", new StringContent(
            """{"id": "served", "tasks": [{"id": "ok", "n": 3, "command": "echo hello"}, {"id": "bad", "n": 2, "command": "exit 4"}]}""", Encoding.UTF8, "application/json"));
        var status = "";
        for (var i = 0; i < 300 && status != "completed"; i++)
        {
            await Task.Delay(100);
            using var document = JsonDocument.Parse(await http.GetStringAsync("/api/batches/served"));
            status = document.RootElement.GetProperty("status").GetString()!;
        }

        var csv = await http.GetStringAsync("/api/batches/served/results?format=csv");
        var stdout = await http.GetStringAsync("/api/batches/served/runs/ok/0/artifacts/stdout");

        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        Assert.Equal("completed", status);
        Assert.Contains("hello", stdout, StringComparison.Ordinal);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(4, lines.Count);
        Assert.StartsWith("scope,task,runs,passed,failed,errored,timedOut,cancelled,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("task,ok,3,3,0,0,0,0,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("task,bad,2,0,2,0,0,0,", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("total,,5,3,2,0,0,0,", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_NonLoopbackWithoutKeys_RefusedWithReason()
    {
        var (exitCode, _, stderr) = await ServerProcess.RunAsync("serve", "--urls", $"http://0.0.0.0:{FreePort()}", "--data", _data);

        Assert.Equal(2, exitCode);
        Assert.Contains("refusing to listen on 0.0.0.0", stderr, StringComparison.Ordinal);
        Assert.Contains("--allow-insecure-remote", stderr, StringComparison.Ordinal);
    }

    private static async Task WaitForHealthAsync(HttpClient http, ServerProcess server)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await http.GetAsync("/api/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        Assert.Fail("serve did not answer /api/health: " + server.Stderr);
    }
}
