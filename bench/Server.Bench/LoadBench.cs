using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestration.Api;

namespace Orchestration.Server.Bench;

/// <summary>
/// The HTTP API under load: the standalone composition (AddStandaloneOrchestration + the API) in this
/// process on a loopback port, runs on the local job runner with an instant runner script, steady
/// submissions from many submitters and open-loop status reads; then every accepted batch must complete
/// with all its runs passed.
/// </summary>
internal static class LoadBench
{
    private const int RunsPerBatch = 10;

    // Stands in for runner/runner.sh: claims the attempt and writes result.json at once into the local
    // object store (the layout the gcloud stand-in and LocalFolderObjectStore share), temp + rename.
    private const string InstantRunner = """
        #!/usr/bin/env bash
        set -eu
        dir="$GCS_LOCAL_ROOT/${RUN_PREFIX#gs://}"
        mkdir -p "$dir"
        printf -v now '%(%Y-%m-%dT%H:%M:%SZ)T' -1
        printf '{"execution": "%s", "startedAt": "%s"}' "$CLOUD_RUN_EXECUTION" "$now" >"$dir/.standin-tmp.claim.$$"
        mv "$dir/.standin-tmp.claim.$$" "$dir/claim"
        printf '{"exitCode": 0, "termination": "none", "startedAt": "%s", "endedAt": "%s", "runnerVersion": "1"}' "$now" "$now" >"$dir/.standin-tmp.result.$$"
        mv "$dir/.standin-tmp.result.$$" "$dir/result.json"
        """;

    public static async Task<int> RunAsync(LoadSettings settings)
    {
        var root = Directory.CreateTempSubdirectory("load-bench-").FullName;
        try
        {
            var script = Path.Combine(root, "instant-runner.sh");
            await File.WriteAllTextAsync(script, InstantRunner);
            await using var app = await StartServerAsync(root, script);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };

            Console.WriteLine($"load bench: {settings.Submitters} submitters x 1 batch of {RunsPerBatch} runs per {settings.SubmitInterval.TotalSeconds:F1} s, " +
                $"{settings.StatusPerSecond} status requests/s, {settings.Duration.TotalSeconds:F0} s, server {address} (in process)");
            Console.WriteLine($"load average before    {Machine.LoadAverage()}");

            var accepted = new List<string>();
            var submits = new Latencies();
            var statuses = new Latencies();
            var clock = Stopwatch.StartNew();
            var submitters = Enumerable.Range(0, settings.Submitters).Select(s => SubmitLoopAsync(http, s, settings, clock, accepted, submits)).ToList();
            var reader = StatusLoopAsync(http, settings, clock, accepted, statuses);
            await Task.WhenAll(submitters);
            await reader;
            var loadPeriod = clock.Elapsed;
            var loadAtEnd = Machine.LoadAverage();
            var rssAtEnd = Machine.RssMb();

            var ids = accepted.ToList();
            var drain = Stopwatch.StartNew();
            var finals = await DrainAsync(http, ids, TimeSpan.FromSeconds(Math.Max(180, settings.Duration.TotalSeconds * 3)));
            drain.Stop();
            var completed = finals.Values.Count(f => f.Status == "completed");
            var whole = finals.Values.Count(f => f is { Status: "completed", Runs: RunsPerBatch, Passed: RunsPerBatch });
            var runs = finals.Values.Sum(f => f.Runs);

            Console.WriteLine($"load period            {settings.Duration.TotalSeconds:F0} s; the last answer of it came at {loadPeriod.TotalSeconds:F1} s");
            Console.WriteLine($"batches submitted      {submits.Count} requests, {ids.Count} accepted ({ids.Count / settings.Duration.TotalSeconds:F1}/s)");
            Console.WriteLine($"batches completed      {completed}/{ids.Count}, {whole} with {RunsPerBatch}/{RunsPerBatch} runs passed; drained {drain.Elapsed.TotalSeconds:F1} s after the load period");
            Console.WriteLine($"runs                   {runs} counted ({runs / (loadPeriod + drain.Elapsed).TotalSeconds:F0} runs/s over load + drain)");
            foreach (var (status, count) in finals.Values.Where(f => f is not { Status: "completed", Runs: RunsPerBatch, Passed: RunsPerBatch })
                .GroupBy(f => $"{f.Status} runs {f.Runs} passed {f.Passed}").Select(g => (g.Key, g.Count())))
            {
                Console.WriteLine($"  not whole            {count} x {status}");
            }

            Console.WriteLine($"submit responses       {submits.Describe()}");
            Console.WriteLine($"submit latency         p50 {submits.Percentile(50):F0} ms, p99 {submits.Percentile(99):F0} ms, max {submits.Percentile(100):F0} ms");
            Console.WriteLine($"status requests        {statuses.Count} ({statuses.Count / settings.Duration.TotalSeconds:F0}/s): {statuses.Describe()}");
            Console.WriteLine($"status latency         p50 {statuses.Percentile(50):F1} ms, p95 {statuses.Percentile(95):F1} ms, p99 {statuses.Percentile(99):F1} ms, max {statuses.Percentile(100):F1} ms (target p99 < 250 ms)");
            Console.WriteLine($"RSS                    {rssAtEnd:F0} MB at the end of the load period, peak {Machine.PeakRssMb():F0} MB (server and load generator in one process)");
            Console.WriteLine($"load average           end of load {loadAtEnd}, after drain {Machine.LoadAverage()}");

            var clean = submits.Outcomes.Keys.All(k => k == "202") && statuses.Outcomes.Keys.All(k => k == "200") && whole == ids.Count && ids.Count > 0;
            Console.WriteLine(clean ? "check                  ok: no error, nothing lost" : "check                  FAILED");
            return clean ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<WebApplication> StartServerAsync(string root, string runnerScript)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = root });
        // Console logs of every request would measure the terminal; the product's code paths are unchanged.
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Standalone:RunnerScript"] = runnerScript });
        builder.Services.AddStandaloneOrchestration(builder.Configuration, Path.Combine(root, "data"));
        builder.Services.AddOrchestrationApi();
        var app = builder.Build();
        app.MapOrchestrationApi();
        app.Services.GetRequiredService<DataFolder>().Create();
        await app.StartAsync();
        return app;
    }

    private static async Task SubmitLoopAsync(HttpClient http, int submitter, LoadSettings settings, Stopwatch clock, List<string> accepted, Latencies submits)
    {
        // Staggered starts spread the submitters evenly over one interval: a steady pace, not bursts.
        var next = settings.SubmitInterval * submitter / settings.Submitters;
        for (var k = 0; next < settings.Duration; k++)
        {
            await WaitUntilAsync(clock, next);

            if (clock.Elapsed >= settings.Duration)
            {
                return;
            }

            var id = $"load-{submitter}-{k}";
            var body = $$"""{"id": "{{id}}", "tasks": [{"id": "t", "n": {{RunsPerBatch}}, "command": "true"}]}""";
            using var content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            var started = clock.Elapsed;
            var outcome = await SendAsync(() => http.PostAsync(new Uri("api/batches", UriKind.Relative), content));
            submits.Add(clock.Elapsed - started, outcome);
            if (outcome == "202")
            {
                lock (accepted)
                {
                    accepted.Add(id);
                }
            }

            next += settings.SubmitInterval;
        }
    }

    private static async Task StatusLoopAsync(HttpClient http, LoadSettings settings, Stopwatch clock, List<string> accepted, Latencies statuses)
    {
        var inFlight = new List<Task>();
        var period = TimeSpan.FromSeconds(1.0 / settings.StatusPerSecond);
        var next = TimeSpan.Zero;
        for (var i = 0; ; i++, next += period)
        {
            await WaitUntilAsync(clock, next);

            if (clock.Elapsed >= settings.Duration)
            {
                break;
            }

            string id;
            lock (accepted)
            {
                if (accepted.Count == 0)
                {
                    continue;
                }

                id = accepted[i % accepted.Count];
            }

            // Open loop: latency counts from the request's scheduled time, so a stalled sender (thread
            // pool starvation in this shared process) shows up as latency instead of as fewer requests.
            var scheduled = next;
            inFlight.Add(Task.Run(async () =>
            {
                var outcome = await SendAsync(() => http.GetAsync(new Uri($"api/batches/{id}", UriKind.Relative)));
                statuses.Add(clock.Elapsed - scheduled, outcome);
            }));
        }

        await Task.WhenAll(inFlight);
    }

    private static async Task WaitUntilAsync(Stopwatch clock, TimeSpan at)
    {
        // One reading of the clock: checking it and then subtracting a later reading can go negative.
        var wait = at - clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    /// <summary>The status code as text, or the kind of failure when no response came.</summary>
    private static async Task<string> SendAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            using var response = await send();
            await response.Content.LoadIntoBufferAsync();
            return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException ex)
        {
            return $"connection error ({ex.HttpRequestError})";
        }
        catch (TaskCanceledException)
        {
            return "timeout";
        }
    }

    /// <summary>Waits (bounded) until every batch is finished; returns each one's last status and counts.</summary>
    private static async Task<Dictionary<string, (string Status, int Runs, int Passed)>> DrainAsync(HttpClient http, List<string> ids, TimeSpan limit)
    {
        var finals = new Dictionary<string, (string Status, int Runs, int Passed)>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var open = ids.ToList();
        while (open.Count > 0)
        {
            foreach (var id in open.ToList())
            {
                using var response = await http.GetAsync(new Uri($"api/batches/{id}", UriKind.Relative));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    finals[id] = ($"HTTP {(int)response.StatusCode}", 0, 0);
                    continue;
                }

                using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
                var status = json.RootElement.GetProperty("status").GetString()!;
                var tasks = json.RootElement.GetProperty("tasks").EnumerateArray().ToList();
                finals[id] = (status, tasks.Sum(t => t.GetProperty("runs").GetInt32()), tasks.Sum(t => t.GetProperty("passed").GetInt32()));
                if (status is "completed" or "cancelled" or "failed" or "terminated")
                {
                    open.Remove(id);
                }
            }

            if (open.Count == 0 || clock.Elapsed > limit)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        return finals;
    }
}
