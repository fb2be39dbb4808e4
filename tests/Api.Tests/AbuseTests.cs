using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Orchestration.Activities.Stores;
using Orchestration.Domain.Specs;
using Orchestration.Tests.Waiting;
using Xunit.Abstractions;

namespace Orchestration.Api.Tests;

/// <summary>Abuse of the API beyond <see cref="MalformedSubmissionTests"/> (which already covers
/// oversized bodies with and without a length, 40-deep nesting, traversal, absolute and NUL input names,
/// a Cyrillic lookalike task id, over-long and backreference regexes, http and credentialed webhooks,
/// secret-looking env, and <see cref="BundleTests"/> a tar with a symbolic link): each refused with a
/// problem naming its path and nothing started, and status answered in bounded time meanwhile.</summary>
public sealed class AbuseTests(AbuseHostFixture fixture, ITestOutputHelper output) : IClassFixture<AbuseHostFixture>
{
    private const string Ok = """{"id": "a", "command": "x"}""";

    public static TheoryData<string, string, string[]> Submissions() => new()
    {
        { "10,000 tasks", """{"tasks": [""" + string.Join(", ", Enumerable.Range(0, 10_000).Select(i => $$"""{"id": "t{{i}}", "command": "x"}""")) + "]}", ["tasks"] },
        { "100,000-deep nesting", """{"tasks": [{"id": "a", "command": "x", "flag": {"jsonPath": "$.x", "equals": """ + new string('[', 100_000) + new string(']', 100_000) + "}}]}", ["$"] },
        { "bidi override in batch id", "{\"id\": \"invoice\u202Eexe.txt\", \"tasks\": [" + Ok + "]}", ["id"] },
        { "zero-width space in task id", "{\"tasks\": [{\"id\": \"ta\u200Bsk\", \"command\": \"x\"}]}", ["tasks[0].id"] },
        { "Cyrillic lookalike in batch id", "{\"id\": \"b\u0430tch\", \"tasks\": [" + Ok + "]}", ["id"] },
        { "fullwidth digits in batch id", "{\"id\": \"run\uFF11\", \"tasks\": [" + Ok + "]}", ["id"] },
        { "webhook to cloud metadata IPv4", """{"webhook": {"url": "https://169.254.169.254/latest/meta-data/"}, "tasks": [""" + Ok + "]}", ["webhook.url"] },
        { "webhook to metadata as a decimal IPv4", """{"webhook": {"url": "https://2852039166/"}, "tasks": [""" + Ok + "]}", ["webhook.url"] },
        { "webhook to AWS metadata IPv6", """{"webhook": {"url": "https://[fd00:ec2::254]/latest/"}, "tasks": [""" + Ok + "]}", ["webhook.url"] },
        { "webhook to metadata.google.internal", """{"webhook": {"url": "https://metadata.google.internal/computeMetadata/v1/"}, "tasks": [""" + Ok + "]}", ["webhook.url"] },
        { "webhook to a private address", """{"webhook": {"url": "https://10.0.0.5/hook"}, "tasks": [""" + Ok + "]}", ["webhook.url"] },
        { "webhook to a home router", """{"webhook": {"url": "https://192.168.1.1/hook"}, "tasks": [""" + Ok + "]}", ["webhook.url"] },
        { "webhook to IPv6 link-local", """{"webhook": {"url": "https://[fe80::1]/hook"}, "tasks": [""" + Ok + "]}", ["webhook.url"] },
        { "webhook to loopback in cloud mode", """{"webhook": {"url": "https://127.0.0.1:8080/hook"}, "tasks": [""" + Ok + "]}", ["webhook.url"] },
        { "webhook to IPv4-mapped metadata", """{"webhook": {"url": "https://[::ffff:169.254.169.254]/"}, "tasks": [""" + Ok + "]}", ["webhook.url"] },
        { "NUL in a nested input name", """{"tasks": [{"id": "a", "command": "x", "inputs": {"dir/a\u0000.txt": {"text": "x"}}}]}""", ["tasks[0].inputs['dir/a\\u0000.txt']"] },
        { "traversal inside an input name", """{"tasks": [{"id": "a", "command": "x", "inputs": {"data/../../etc": {"text": "x"}}}]}""", ["tasks[0].inputs['data/../../etc']"] },
    };

    [Theory]
    [MemberData(nameof(Submissions))]
    public async Task Submit_Abusive_ProblemWithPathAndNothingStarted(string name, string json, string[] paths)
    {
        // Act
        using var response = await fixture.Host.SubmitAsync(json);

        // Assert
        var problem = await BatchLifecycleTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, paths);
        Assert.All(problem.GetProperty("errors").EnumerateArray(), e => Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("message").GetString()), name));
        await AssertNothingStartedAsync(fixture.Host);
    }

    [Fact]
    public async Task Put_TarWithHardLinkParentOrAbsoluteName_RefusedAndNothingStored()
    {
        // Arrange
        var cases = new[]
        {
            Tar(w => w.WriteEntry(new GnuTarEntry(TarEntryType.HardLink, "copy") { LinkName = "/etc/shadow" })),
            Tar(w => w.WriteEntry(RegularFile("../escape.txt"))),
            Tar(w => w.WriteEntry(RegularFile("/etc/cron.d/x"))),
            Tar(w => w.WriteEntry(RegularFile("ok/../../escape.txt"))),
        };

        foreach (var (sha, gzip) in cases)
        {
            // Act
            using var content = new ByteArrayContent(gzip);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
            using var response = await fixture.Host.Http.PutAsync($"/api/inputs/{sha}", content);

            // Assert
            var problem = await BatchLifecycleTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
            Assert.Null(await fixture.Host.Objects.GetAsync(RunnerContract.InputBundleObject(sha)));
        }

        await AssertNothingStartedAsync(fixture.Host);
    }

    [Fact]
    public async Task Submit_CatastrophicBacktrackingRegexes_AcceptedAndJudgedInLinearTime()
    {
        // Arrange: patterns that take exponential time on a backtracking engine against "aaaa...!";
        // the validator accepts them because the judge runs them on the non-backtracking engine.
        await using var host = await ApiHost.StartAsync();
        var response = new string('a', 200_000) + "!";
        host.Runner = call => call.FinishAsync(0, response);
        var batch = JsonSerializer.Serialize(new
        {
            id = "redos",
            tasks = new[]
            {
                new
                {
                    id = "t", command = "x",
                    flags = new Dictionary<string, object>
                    {
                        ["nested"] = new { regex = "(a+)+$" },
                        ["alternation"] = new { regex = "^(a|aa)*$" },
                        ["optional"] = new { regex = "(a|a?)+b" },
                        ["owasp"] = new { regex = "^(([a-z])+.)+[A-Z]([a-z])+$" },
                        ["control"] = new { regex = "(a+)+!$" }, // does match: the rules really ran on the response
                    },
                },
            },
        });
        var clock = Stopwatch.StartNew();

        // Act
        using var submitted = await host.SubmitAsync(batch);
        var status = await host.WaitForStatusAsync("redos", s => s is "completed" or "failed", seconds: 60);
        clock.Stop();
        var runs = await host.Http.GetFromJsonAsync<JsonElement>("/api/batches/redos/runs");

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Assert.Equal("completed", status.GetProperty("status").GetString());
        var run = Assert.Single(runs.GetProperty("items").EnumerateArray());
        Assert.Equal("passed", run.GetProperty("outcome").GetString());
        Assert.Equal("control", run.GetProperty("flags").GetString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    /// <summary>Every abusive submission and bundle of this class and of <see cref="MalformedSubmissionTests"/>,
    /// plus oversized bodies, sent concurrently while a client polls a live batch's status.</summary>
    /// <remarks>Bound: 2 s per status answer. Measured here (2 cores shared with other builds, whole Api.Tests
    /// run): p50 7-194 ms, max 250-360 ms while 98 abusive requests ran at once (six 4 MiB bodies sent
    /// without a length, ten of 10,000 tasks, ten 100,000 arrays deep, and every other abusive or malformed
    /// case). 2 s leaves more than 5x that for a busier machine, and still fails a server whose status waits
    /// for the abuse to drain (a parse holding a lock, a runaway regex, a starved request queue).</remarks>
    [Fact]
    public async Task Status_WhileAbusiveRequestsRunConcurrently_EveryAnswerWithinTwoSeconds()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        using var live = await host.SubmitAsync("""{"id": "live", "tasks": [{"id": "hang", "n": 3, "command": "x", "timeoutSeconds": 600}]}""");
        await host.WaitForStatusAsync("live", s => s == "running");
        await Eventually.HoldsAsync(() => host.Jobs.Executions.Count >= 3, "the three runs started");

        Assert.Equal(3, host.Jobs.Executions.Count);
        var oversized = """{"tasks": [{"id": "a", "command": "x"}], "labels": {"pad": """ + "\"" + new string('x', (4 * 1024 * 1024) + 10) + "\"}}";
        var heavy = Submissions().Where(row => ((string)row[0]).Contains(",000", StringComparison.Ordinal)).Select(row => (string)row[1]).ToList();
        var bodies = Submissions().Select(row => (string)row[1])
            .Concat(MalformedSubmissionTests.Cases().Select(row => (string)row[1]))
            .Concat(Enumerable.Repeat(heavy, 10).SelectMany(h => h))
            .Select(body => (Body: body, Chunked: false))
            .Concat(Enumerable.Repeat((Body: oversized, Chunked: true), 6)) // no length: the server reads up to the limit
            .ToList();

        // Act
        var abuse = Task.WhenAll(bodies.Select(async request =>
        {
            using var client = new HttpClient { BaseAddress = host.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            var bytes = Encoding.UTF8.GetBytes(request.Body);
            using HttpContent content = request.Chunked ? new StreamContent(new MemoryStream(bytes)) : new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync("/api/batches", content);
            return response.StatusCode;
        }));
        // A status request every 10 ms, each timed on its own, so one slow answer does not hide the others.
        var polls = new List<Task<TimeSpan>>();
        var duringAbuse = 0;
        while (!abuse.IsCompleted || polls.Count < 20)
        {
            duringAbuse += abuse.IsCompleted ? 0 : 1;
            polls.Add(TimeStatusAsync(host));
            await Task.Delay(10);
        }

        var latencies = await Task.WhenAll(polls);
        var codes = await abuse;
        var sorted = latencies.Order().ToList();
        output.WriteLine($"{bodies.Count} abusive requests; {sorted.Count} status answers ({duringAbuse} while they ran): p50 {sorted[sorted.Count / 2].TotalMilliseconds:0.0} ms, max {sorted[^1].TotalMilliseconds:0.0} ms");

        // Assert
        Assert.True(duringAbuse >= 3, $"only {duringAbuse} status answers overlapped the abuse");
        Assert.All(codes, c => Assert.True(c is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, c.ToString()));
        Assert.True(sorted[^1] < TimeSpan.FromSeconds(2), $"slowest status answer {sorted[^1].TotalMilliseconds:0} ms of {sorted.Count}");
        Assert.Single((await host.Batches.ListAsync(new BatchQuery())).Items);
        Assert.Equal(3, host.Jobs.Executions.Count);
        using var cancel = await host.Http.PostAsync("/api/batches/live/cancel", null);
    }

    private static async Task<TimeSpan> TimeStatusAsync(ApiHost host)
    {
        var clock = Stopwatch.StartNew();
        using var status = await host.Http.GetAsync("/api/batches/live");
        clock.Stop();
        Assert.Equal(HttpStatusCode.Accepted, status.StatusCode); // the batch runs throughout: 202
        return clock.Elapsed;
    }

    private static PaxTarEntry RegularFile(string name) => new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes("x")) };

    private static (string Sha, byte[] Gzip) Tar(Action<TarWriter> write)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Gnu, leaveOpen: true))
        {
            write(writer);
        }

        var bytes = tar.ToArray();
        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return (Convert.ToHexStringLower(SHA256.HashData(bytes)), gzipped.ToArray());
    }

    private static async Task AssertNothingStartedAsync(ApiHost host)
    {
        Assert.Empty((await host.Batches.ListAsync(new BatchQuery())).Items);
        Assert.Equal(0, await host.InstanceCountAsync());
        Assert.Empty(host.Jobs.Executions);
    }
}
