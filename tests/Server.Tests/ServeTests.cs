using System.Net;
using System.Text;

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

    [Fact]
    public async Task Serve_SubmitOverHttp_BatchCompletesWithResults()
    {
        var port = ServerProcess.FreePort();
        using var server = ServerProcess.Start("serve", "--urls", $"http://127.0.0.1:{port}", "--data", _data);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        await server.WaitForHealthAsync(http);

        var submit = await http.PostAsync("/api/batches", new StringContent(
            """{"id": "served", "tasks": [{"id": "ok", "n": 3, "command": "echo hello"}, {"id": "bad", "n": 2, "command": "exit 4"}]}""", Encoding.UTF8, "application/json"));
        var status = (await server.WaitForBatchEndAsync(http, "served", TimeSpan.FromSeconds(30))).GetProperty("status").GetString();

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
    public async Task Serve_OtlpEndpointSet_ExportsSpansAndProductMetricsWithoutKey()
    {
        var port = ServerProcess.FreePort();
        var collectorPort = ServerProcess.FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{collectorPort}/");
        collector.Start();
        var received = new List<(string Path, byte[] Body)>();
        var collecting = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await collector.GetContextAsync();
                }
                catch (HttpListenerException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                lock (received)
                {
                    received.Add((context.Request.Url!.AbsolutePath, body.ToArray()));
                }

                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });
        const string Key = "telemetry-test-key-5b1c9e";
        using var server = ServerProcess.Start(
            new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{collectorPort}",
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "300",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
                ["Orchestration__Api__Keys__0"] = Key,
            },
            "serve", "--urls", $"http://127.0.0.1:{port}", "--data", _data);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Add("x-functions-key", Key);
        await server.WaitForHealthAsync(http);

        await http.PostAsync("/api/batches", new StringContent("""{"id": "traced", "tasks": [{"id": "ok", "n": 2, "command": "true"}]}""", Encoding.UTF8, "application/json"));
        string Exported(string path)
        {
            lock (received)
            {
                return string.Concat(received.Where(r => r.Path == path).Select(r => Encoding.UTF8.GetString(r.Body)));
            }
        }

        for (var i = 0; i < 300 && !(Exported("/v1/traces").Contains("CollectResult", StringComparison.Ordinal) && Exported("/v1/metrics").Contains("orchestration.attempts.collected", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(100);
        }

        var traces = Exported("/v1/traces");
        var metrics = Exported("/v1/metrics");
        collector.Stop();
        await collecting;

        Assert.Contains("PrepareBatch", traces, StringComparison.Ordinal);
        Assert.Contains("StartRun", traces, StringComparison.Ordinal);
        Assert.Contains("CollectResult", traces, StringComparison.Ordinal);
        Assert.Contains("/api/batches", traces, StringComparison.Ordinal);
        Assert.Contains("orchestration.batches.submitted", metrics, StringComparison.Ordinal);
        Assert.Contains("orchestration.executions.started", metrics, StringComparison.Ordinal);
        Assert.Contains("orchestration.attempts.collected", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, traces + metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_NonLoopbackWithoutKeys_RefusedWithReason()
    {
        var (exitCode, _, stderr) = await ServerProcess.RunAsync("serve", "--urls", $"http://0.0.0.0:{ServerProcess.FreePort()}", "--data", _data);

        Assert.Equal(2, exitCode);
        Assert.Contains("refusing to listen on 0.0.0.0", stderr, StringComparison.Ordinal);
        Assert.Contains("--allow-insecure-remote", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_AspNetCoreUrlsWithoutUrlsOption_ListensThereAndWarnsWithoutKeys()
    {
        var port = ServerProcess.FreePort();
        var environment = new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" };
        using var server = ServerProcess.Start(environment, "serve", "--data", _data);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };

        await server.WaitForHealthAsync(http);

        Assert.Contains($"serving the API on http://127.0.0.1:{port}", server.Stdout, StringComparison.Ordinal);
        Assert.Contains("warning: no API keys are set", server.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_NonLoopbackInAspNetCoreUrls_RefusedLikeTheOption()
    {
        var environment = new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ServerProcess.FreePort()};http://*:{ServerProcess.FreePort()}" };

        var (exitCode, _, stderr) = await ServerProcess.RunAsync(environment, "serve", "--data", _data);

        Assert.Equal(2, exitCode);
        Assert.Contains("refusing to listen on 0.0.0.0", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_DefaultLogging_OneInformationLinePerRequestAndNoActivityLines()
    {
        var port = ServerProcess.FreePort();
        using var server = ServerProcess.Start("serve", "--urls", $"http://127.0.0.1:{port}", "--data", _data);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        await server.WaitForHealthAsync(http);
        await server.WaitForOutputAsync("Content root path", TimeSpan.FromSeconds(30)); // the host's last start line
        var start = server.Stdout.Length;

        var missing = await http.GetAsync("/api/batches/first-probe");
        var invalid = await http.PostAsync("/api/batches", new StringContent("""{"tasks": []}""", Encoding.UTF8, "application/json"));
        var submit = await http.PostAsync("/api/batches", new StringContent("""{"id": "logged", "tasks": [{"id": "ok", "n": 2, "command": "echo hi"}]}""", Encoding.UTF8, "application/json"));
        await server.WaitForBatchEndAsync(http, "logged", TimeSpan.FromSeconds(60));
        await http.GetAsync("/api/batches/last-probe");
        await server.WaitForOutputAsync("/api/batches/last-probe", TimeSpan.FromSeconds(30));

        // Console entries in order: everything logged from the first request to the last probe (the logger is FIFO).
        var output = server.Stdout;
        var window = output[start..output.IndexOf("/api/batches/last-probe", start, StringComparison.Ordinal)];
        var entries = Entries(window);
        var information = entries.Where(e => e.StartsWith("info:", StringComparison.Ordinal)).ToList();
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.BadRequest, HttpStatusCode.Accepted), (missing.StatusCode, invalid.StatusCode, submit.StatusCode));
        Assert.All(information, e => Assert.StartsWith("info: Orchestration.Server.RequestLog[4006]", e, StringComparison.Ordinal));
        Assert.Single(information, e => e.Contains("GET /api/batches/first-probe answered 404 in ", StringComparison.Ordinal));
        Assert.Equal(2, information.Count(e => e.Contains("POST /api/batches answered ", StringComparison.Ordinal)));
        Assert.DoesNotContain(entries, e => e.Contains("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    /// <summary>The simple console formatter's entries: a "level: category[id]" line and its indented message lines.</summary>
    private static List<string> Entries(string output)
    {
        var entries = new List<string>();
        foreach (var line in output.Split('\n'))
        {
            if (line.Length > 5 && line[4] == ':' && line[..4] is "trce" or "dbug" or "info" or "warn" or "fail" or "crit")
            {
                entries.Add(line.TrimEnd('\r'));
            }
            else if (entries.Count > 0 && line.StartsWith("      ", StringComparison.Ordinal))
            {
                entries[^1] += " " + line.Trim();
            }
        }

        return entries;
    }
}
