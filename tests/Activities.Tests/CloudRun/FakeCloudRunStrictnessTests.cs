using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Orchestration.Fakes;

namespace Orchestration.Activities.Tests.CloudRun;

/// <summary>The loopback Cloud Run fake refuses, with 400 INVALID_ARGUMENT, each request the real API refuses, and
/// accepts the same request with that one rule kept; so the fake's strictness is itself tested.</summary>
public sealed class FakeCloudRunStrictnessTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private FakeCloudRunServer _run = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _run = new FakeCloudRunServer("test-project", "europe-west1", _time) { JobReadyAfterPolls = 0 };
        await _run.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_run.BaseUrl, $"/v2/{_run.Parent}/") };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _run.DisposeAsync();
    }

    private static JsonObject ValidJob() => new()
    {
        ["labels"] = new JsonObject { ["managed-by"] = "orchestration", ["deployment"] = "orch" },
        ["launchStage"] = "GA",
        ["template"] = new JsonObject
        {
            ["taskCount"] = 1,
            ["parallelism"] = 1,
            ["template"] = new JsonObject
            {
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "runner",
                    ["image"] = "europe-docker.pkg.dev/p/r/runner:1",
                    ["env"] = new JsonArray(
                        new JsonObject { ["name"] = "RUNNER_SECRET_NAMES", ["value"] = "ANTHROPIC_API_KEY" },
                        new JsonObject
                        {
                            ["name"] = "ANTHROPIC_API_KEY",
                            ["valueSource"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["secret"] = "anthropic-api-key", ["version"] = "latest" } },
                        }),
                    ["resources"] = new JsonObject { ["limits"] = new JsonObject { ["cpu"] = "1", ["memory"] = "2Gi" } },
                }),
                ["maxRetries"] = 0,
                ["timeout"] = "86400s",
                ["executionEnvironment"] = "EXECUTION_ENVIRONMENT_GEN2",
            },
        },
    };

    private static JsonObject ValidRun() => new()
    {
        ["overrides"] = new JsonObject
        {
            ["containerOverrides"] = new JsonArray(new JsonObject
            {
                ["name"] = "runner",
                ["env"] = new JsonArray(new JsonObject { ["name"] = "RUN_PREFIX", ["value"] = "gs://b/runs/x/" }),
            }),
            ["timeout"] = "660s",
        },
    };

    private static JsonNode Container(JsonObject job) => job["template"]!["template"]!["containers"]![0]!;

    public static TheoryData<string, Action<JsonObject>> BadJobs => new()
    {
        { "label key with an upper-case letter", j => j["labels"]!["Team"] = "a" },
        { "label key starting with a digit", j => j["labels"]!["1team"] = "a" },
        { "label key over 63 characters", j => j["labels"]![new string('k', 64)] = "a" },
        { "label value with a slash", j => j["labels"]!["repo"] = "org/app" },
        { "label value over 63 characters", j => j["labels"]!["repo"] = new string('v', 64) },
        { "label in a reserved namespace", j => j["labels"]!["run.googleapis.com/x"] = "a" },
        { "template label with a dot", j => j["template"]!["labels"] = new JsonObject { ["a.b"] = "c" } },
        { "timeout as an integer string", j => j["template"]!["template"]!["timeout"] = "600" },
        { "timeout in minutes", j => j["template"]!["template"]!["timeout"] = "10m" },
        { "timeout over 168 hours", j => j["template"]!["template"]!["timeout"] = "604801s" },
        { "unknown launch stage", j => j["launchStage"] = "STABLE" },
        { "unknown execution environment", j => j["template"]!["template"]!["executionEnvironment"] = "GEN2" },
        { "secret as a full version name", j => Container(j)["env"]![1]!["valueSource"]!["secretKeyRef"]!["secret"] = "projects/p/secrets/anthropic-api-key/versions/latest" },
        { "secret version with a colon", j => Container(j)["env"]![1]!["valueSource"]!["secretKeyRef"]!["version"] = "a:b" },
        { "secret version missing", j => Container(j)["env"]![1]!["valueSource"]!["secretKeyRef"]!.AsObject().Remove("version") },
        { "cpu of 3", j => Container(j)["resources"]!["limits"]!["cpu"] = "3" },
        { "fractional cpu for a job", j => Container(j)["resources"]!["limits"]!["cpu"] = "500m" },
        { "memory without a unit", j => Container(j)["resources"]!["limits"]!["memory"] = "2048" },
        { "8Gi with 1 cpu", j => Container(j)["resources"]!["limits"]!["memory"] = "8Gi" },
        { "4 cpu with 1Gi", j => Container(j)["resources"]!["limits"] = new JsonObject { ["cpu"] = "4", ["memory"] = "1Gi" } },
        { "a gpu limit", j => Container(j)["resources"]!["limits"]!["nvidia.com/gpu"] = "1" },
        { "env name with a dash", j => Container(j)["env"]![0]!["name"] = "RUNNER-SECRET" },
        { "max retries over 10", j => j["template"]!["template"]!["maxRetries"] = 11 },
        { "task count over 10,000", j => j["template"]!["taskCount"] = 10_001 },
        { "container name not a DNS label", j => Container(j)["name"] = "Runner_1" },
        { "no image", j => Container(j).AsObject().Remove("image") },
    };

    [Fact]
    public async Task CreateJob_ValidBody_Accepted()
    {
        using var response = await _http.PostAsJsonAsync("jobs?jobId=orch-0123456789ab", ValidJob());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(BadJobs))]
    public async Task CreateJob_BodyBreakingOneRule_InvalidArgument(string rule, Action<JsonObject> breakIt)
    {
        var job = ValidJob();
        breakIt(job);

        using var response = await _http.PostAsJsonAsync("jobs?jobId=orch-0123456789ab", job);

        await AssertInvalidAsync(response, rule);
        Assert.Empty(_run.JobIds);
    }

    [Theory]
    [InlineData("Orch-1")]
    [InlineData("1orch")]
    [InlineData("orch-")]
    [InlineData("orch_1")]
    [InlineData("o234567890123456789012345678901234567890123456789012345678901234")]
    public async Task CreateJob_BadJobId_InvalidArgument(string jobId)
    {
        using var response = await _http.PostAsJsonAsync($"jobs?jobId={jobId}", ValidJob());

        await AssertInvalidAsync(response, jobId);
    }

    [Fact]
    public async Task CreateJob_SixtyThreeCharacterId_Accepted()
    {
        using var response = await _http.PostAsJsonAsync($"jobs?jobId=o{new string('1', 62)}", ValidJob());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string, Action<JsonObject>> BadRuns => new()
    {
        { "override of a container the job does not have", r => r["overrides"]!["containerOverrides"]![0]!["name"] = "worker" },
        { "timeout without the s suffix", r => r["overrides"]!["timeout"] = "660" },
        { "negative timeout", r => r["overrides"]!["timeout"] = "-5s" },
        { "secret in an override", r => r["overrides"]!["containerOverrides"]![0]!["env"]![0]!["valueSource"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["secret"] = "s", ["version"] = "1" } } },
        { "override env name with a space", r => r["overrides"]!["containerOverrides"]![0]!["env"]![0]!["name"] = "RUN PREFIX" },
        { "task count of 0", r => r["overrides"]!["taskCount"] = 0 },
        { "task count over 10,000", r => r["overrides"]!["taskCount"] = 10_001 },
        { "negative task count", r => r["overrides"]!["taskCount"] = -1 },
        { "fractional task count", r => r["overrides"]!["taskCount"] = 2.5 },
        { "task count as a word", r => r["overrides"]!["taskCount"] = "ten" },
    };

    [Theory]
    [InlineData(1)]
    [InlineData(10_000)]
    public async Task Run_TaskCountAtTheBounds_ExecutionHasThatManyTasks(int taskCount)
    {
        await CreateAsync();
        var run = ValidRun();
        run["overrides"]!["taskCount"] = taskCount;

        using var response = await _http.PostAsJsonAsync("jobs/orch-0123456789ab:run", run);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var execution = Assert.Single(_run.Executions);
        Assert.Equal(taskCount, execution.TaskCount);
        Assert.Equal((taskCount - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), execution.Tasks[^1].Environment["CLOUD_RUN_TASK_INDEX"]);
    }

    [Fact]
    public async Task Run_BeyondRunQuota_429ResourceExhaustedNamingTheQuota_NoExecution()
    {
        _run.RunRequestsPerMinute = 1;
        await CreateAsync();
        using var first = await _http.PostAsJsonAsync("jobs/orch-0123456789ab:run", ValidRun());

        using var second = await _http.PostAsJsonAsync("jobs/orch-0123456789ab:run", ValidRun());

        await AssertExhaustedAsync(second, "Job run requests per minute per region");
        Assert.Single(_run.Executions);
    }

    [Fact]
    public async Task Run_BeyondRunningExecutionsLimit_429ResourceExhaustedNamingTheLimit_NoExecution()
    {
        _run.MaxRunningExecutions = 1;
        await CreateAsync();
        using var first = await _http.PostAsJsonAsync("jobs/orch-0123456789ab:run", ValidRun());

        using var second = await _http.PostAsJsonAsync("jobs/orch-0123456789ab:run", ValidRun());

        await AssertExhaustedAsync(second, "Running job executions per project per region");
        Assert.Single(_run.Executions);
    }

    [Fact]
    public async Task Run_ValidOverrides_StartsAnExecution()
    {
        await CreateAsync();

        using var response = await _http.PostAsJsonAsync("jobs/orch-0123456789ab:run", ValidRun());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_run.Executions);
    }

    [Theory]
    [MemberData(nameof(BadRuns))]
    public async Task Run_OverridesBreakingOneRule_InvalidArgumentAndNoExecution(string rule, Action<JsonObject> breakIt)
    {
        await CreateAsync();
        var run = ValidRun();
        breakIt(run);

        using var response = await _http.PostAsJsonAsync("jobs/orch-0123456789ab:run", run);

        await AssertInvalidAsync(response, rule);
        Assert.Empty(_run.Executions);
    }

    [Fact]
    public async Task Run_PastRetention_OldestCompletedExecutionsAnswer404()
    {
        _run.RetainedExecutionsPerJob = 3;
        await CreateAsync();
        var names = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var started = await _http.PostAsJsonAsync("jobs/orch-0123456789ab:run", ValidRun());
            var name = (await started.Content.ReadFromJsonAsync<JsonObject>())!["metadata"]!["name"]!.GetValue<string>();
            names.Add(name);
            _run.Complete(name);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        using var last = await _http.PostAsJsonAsync("jobs/orch-0123456789ab:run", ValidRun());

        var statuses = new List<HttpStatusCode>();
        foreach (var name in names)
        {
            using var response = await _http.GetAsync(new Uri(_run.BaseUrl, "/v2/" + name));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], statuses);
    }

    private async Task CreateAsync()
    {
        using var response = await _http.PostAsJsonAsync("jobs?jobId=orch-0123456789ab", ValidJob());
        response.EnsureSuccessStatusCode();
    }

    private static async Task AssertExhaustedAsync(HttpResponseMessage response, string limit)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"{(int)response.StatusCode} {body}");
        var error = JsonNode.Parse(body)!["error"]!;
        Assert.Equal((429, "RESOURCE_EXHAUSTED"), (error["code"]!.GetValue<int>(), error["status"]!.GetValue<string>()));
        Assert.Contains(limit, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static async Task AssertInvalidAsync(HttpResponseMessage response, string rule)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{rule}: {(int)response.StatusCode} {body}");
        Assert.Equal("INVALID_ARGUMENT", JsonNode.Parse(body)!["error"]!["status"]!.GetValue<string>());
    }
}
