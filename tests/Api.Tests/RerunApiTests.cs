using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Orchestration.Api.Tests;

/// <summary><c>POST /api/batches/{id}/rerun</c> over HTTP: 202 with the version's URI (202 while the rerun runs, 200
/// once it has ended), the batch running again and then completed; problem details for a bad body, an unknown batch
/// and a batch with nothing to rerun; the same <c>Idempotency-Key</c> answers the same rerun.</summary>
public sealed class RerunApiTests
{
    private const string Batch = """
    {"id": "rr-1", "tasks": [{"id": "good", "n": 3, "command": "make test", "maxAttempts": 1}]}
    """;

    [Fact]
    public async Task Rerun_ErroredRuns_RunningAgainThenANewVersionWithEveryRunPassed()
    {
        // Arrange: every run's one attempt errors (no exit code); the rerun's attempts are held, then pass.
        await using var host = await ApiHost.StartAsync();
        host.Runner = call => call.FinishWithoutExitCodeAsync();
        using var submitted = await host.SubmitAsync(Batch);
        await host.WaitForStatusAsync("rr-1", s => s is "completed");
        var gate = new TaskCompletionSource();
        host.Runner = async call =>
        {
            await gate.Task;
            await call.FinishAsync(0, "ok");
        };

        // Act
        using var rerun = await PostAsync(host, "/api/batches/rr-1/rerun", "", "key-1");
        var body = await rerun.Content.ReadFromJsonAsync<JsonElement>();
        var running = await host.WaitForStatusAsync("rr-1", s => s is "running");
        using var pending = await host.Http.GetAsync("/api/batches/rr-1/results?version=2");
        using var repeat = await PostAsync(host, "/api/batches/rr-1/rerun", "", "key-1");
        using var second = await PostAsync(host, "/api/batches/rr-1/rerun", "", null);
        gate.SetResult();
        var done = await host.WaitForStatusAsync("rr-1", s => s is "completed");
        var version = await host.Http.GetFromJsonAsync<JsonElement>("/api/batches/rr-1/results?version=2");
        var first = await host.Http.GetFromJsonAsync<JsonElement>("/api/batches/rr-1/results?version=1");

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, rerun.StatusCode);
        Assert.Equal("/api/batches/rr-1/results?version=2", rerun.Headers.Location!.OriginalString);
        Assert.Equal((2, 3, "running"), (body.GetProperty("version").GetInt32(), body.GetProperty("runs").GetInt32(), body.GetProperty("status").GetString()));
        Assert.Equal("running", running.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Accepted, pending.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, repeat.StatusCode);
        Assert.Equal(2, (await repeat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, done.GetProperty("tasks")[0].GetProperty("passed").GetInt32());
        Assert.Equal((3, 0), (version.GetProperty("total").GetProperty("passed").GetInt32(), version.GetProperty("total").GetProperty("errored").GetInt32()));
        Assert.Equal(["errored", "timedOut"], version.GetProperty("rerun").GetProperty("outcomes").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal(3, first.GetProperty("total").GetProperty("errored").GetInt32());
        var runs = await host.Http.GetFromJsonAsync<JsonElement>("/api/batches/rr-1/runs?format=json");
        Assert.All(runs.GetProperty("items").EnumerateArray(), r => Assert.Equal((2, "passed"), (r.GetProperty("attempts").GetInt32(), r.GetProperty("outcome").GetString())));
    }

    [Fact]
    public async Task Rerun_BadBodyUnknownBatchOrNothingToRerun_ProblemDetailsAndNothingStarted()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        using var submitted = await host.SubmitAsync(Batch);
        await host.WaitForStatusAsync("rr-1", s => s is "completed");

        // Act
        using var bad = await PostAsync(host, "/api/batches/rr-1/rerun", """{"outcomes": ["failed"], "n": 3}""", null);
        using var notJson = await PostAsync(host, "/api/batches/rr-1/rerun", "{", null);
        using var unknown = await PostAsync(host, "/api/batches/nope/rerun", "", null);
        using var nothing = await PostAsync(host, "/api/batches/rr-1/rerun", """{"outcomes": ["cancelled"]}""", null);

        // Assert
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["outcomes[0]", "n"], problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, nothing.StatusCode);
        Assert.Contains("no cancelled runs to rerun", (await nothing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("completed", (await host.Http.GetFromJsonAsync<JsonElement>("/api/batches/rr-1")).GetProperty("status").GetString());
        using var noVersion = await host.Http.GetAsync("/api/batches/rr-1/results?version=2");
        Assert.Equal(HttpStatusCode.NotFound, noVersion.StatusCode);
    }

    private static async Task<HttpResponseMessage> PostAsync(ApiHost host, string path, string body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await host.Http.SendAsync(request);
    }
}
