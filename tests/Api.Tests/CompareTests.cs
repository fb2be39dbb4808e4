using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestration.Domain.Comparison;

namespace Orchestration.Api.Tests;

/// <summary><c>GET /api/compare</c> over the real handlers, the embedded engine and two batches run to the end.</summary>
public sealed class CompareTests
{
    // The scripted runner fails every run of a task named "bad*" and passes the others; even runs print FLAKY.
    private const string BatchA = """
    {"id": "cmp-a", "tasks": [
      {"id": "bad-prompt", "n": 6, "command": "x"},
      {"id": "same", "n": 4, "command": "x", "flags": {"flaky": {"contains": "FLAKY"}}},
      {"id": "old", "n": 1, "command": "x"}
    ]}
    """;

    private const string BatchB = """
    {"id": "cmp-b", "tasks": [
      {"id": "good-prompt", "n": 6, "command": "x"},
      {"id": "same", "n": 4, "command": "x", "flags": {"flaky": {"contains": "FLAKY"}}},
      {"id": "new", "n": 1, "command": "x"}
    ]}
    """;

    [Fact]
    public async Task Compare_TwoFinishedBatchesWithAMap_PerTaskStatisticsVerdictsAndUnmatched()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        await RunToTheEndAsync(host, BatchA, "cmp-a");
        await RunToTheEndAsync(host, BatchB, "cmp-b");

        // Act
        using var response = await host.Http.GetAsync("/api/compare?a=cmp-a&b=cmp-b&map=bad-prompt:good-prompt&mde=0.2");
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonSerializer.Deserialize<JsonElement>(text);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Written from generated metadata: the bytes reflection wrote.
        var options = ApiJsonTests.ReflectionOptions;
        Assert.Equal(text, JsonSerializer.Serialize(JsonSerializer.Deserialize<BatchComparison>(text, options), options));
        Assert.Equal(0.2, body.GetProperty("detectableDifference").GetDouble());
        var tasks = body.GetProperty("tasks").EnumerateArray().ToList();
        Assert.Equal([("bad-prompt", "good-prompt"), ("same", "same")], tasks.Select(t => (t.GetProperty("taskA").GetString(), t.GetProperty("taskB").GetString())));

        // 0/6 against 6/6: Fisher p = 2 / C(12, 6) = 0.002165; Holm over the two tasks doubles it.
        var mapped = tasks[0].GetProperty("pass");
        Assert.Equal(0.002165, mapped.GetProperty("pValue").GetDouble());
        Assert.Equal(0.004329, mapped.GetProperty("adjustedPValue").GetDouble());
        Assert.Equal(1.0, mapped.GetProperty("difference").GetProperty("difference").GetDouble());
        Assert.True(mapped.GetProperty("difference").GetProperty("lower").GetDouble() > 0);
        Assert.Equal("B higher", mapped.GetProperty("verdict").GetString());
        Assert.True(mapped.GetProperty("runsNeeded").GetInt32() > 0);

        var same = tasks[1];
        Assert.Equal("no detectable difference at n=4/4", same.GetProperty("pass").GetProperty("verdict").GetString());
        Assert.Equal(1.0, same.GetProperty("pass").GetProperty("adjustedPValue").GetDouble());
        var flaky = same.GetProperty("flags").GetProperty("flaky");
        Assert.Equal((2, 4), (flaky.GetProperty("a").GetProperty("count").GetInt32(), flaky.GetProperty("a").GetProperty("total").GetInt32()));
        Assert.Equal("no detectable difference at n=4/4", flaky.GetProperty("verdict").GetString());

        var overall = body.GetProperty("overall").GetProperty("pass");
        Assert.Equal((4, 10), (overall.GetProperty("a").GetProperty("count").GetInt32(), overall.GetProperty("a").GetProperty("total").GetInt32()));
        Assert.Equal((10, 10), (overall.GetProperty("b").GetProperty("count").GetInt32(), overall.GetProperty("b").GetProperty("total").GetInt32()));
        Assert.Equal(["old"], body.GetProperty("unmatchedA").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["new"], body.GetProperty("unmatchedB").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Compare_UnknownRunningOrBadlyAsked_ProblemDetailsWithTheRightStatus()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        await RunToTheEndAsync(host, BatchA, "cmp-a");
        using var running = await host.SubmitAsync("""{"id": "cmp-live", "tasks": [{"id": "hang", "n": 1, "command": "x", "timeoutSeconds": 600}]}""");

        // Act / Assert
        await AssertProblemAsync(host, "/api/compare?a=cmp-a&b=nope", HttpStatusCode.NotFound, "No batch 'nope'.");
        await AssertProblemAsync(host, "/api/compare?a=nope&b=cmp-a", HttpStatusCode.NotFound, "No batch 'nope'.");
        await AssertProblemAsync(host, "/api/compare?a=cmp-a&b=cmp-live", HttpStatusCode.Conflict, "Batch 'cmp-live' has no results yet: compare it once it has finished.");
        await AssertProblemAsync(host, "/api/compare?a=cmp-a", HttpStatusCode.BadRequest, "b");
        await AssertProblemAsync(host, "/api/compare?a=cmp-a&b=cmp-a&mde=0", HttpStatusCode.BadRequest, "mde");
        await AssertProblemAsync(host, "/api/compare?a=cmp-a&b=cmp-a&mde=lots", HttpStatusCode.BadRequest, "mde");
        await AssertProblemAsync(host, "/api/compare?a=cmp-a&b=cmp-a&map=same", HttpStatusCode.BadRequest, "map");
        await AssertProblemAsync(host, "/api/compare?a=cmp-a&b=cmp-a&map=same:ghost", HttpStatusCode.BadRequest, "map");
    }

    private static async Task RunToTheEndAsync(ApiHost host, string batch, string id)
    {
        using var submitted = await host.SubmitAsync(batch);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        await host.WaitForStatusAsync(id, s => s == "completed");
    }

    // expected: the detail for 404/409, the parameter's name for 400.
    private static async Task AssertProblemAsync(ApiHost host, string uri, HttpStatusCode status, string expected)
    {
        using var response = await host.Http.GetAsync(uri);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        if (status == HttpStatusCode.BadRequest)
        {
            Assert.Equal(expected, problem.GetProperty("errors")[0].GetProperty("path").GetString());
        }
        else
        {
            Assert.Equal(expected, problem.GetProperty("detail").GetString());
        }
    }
}
