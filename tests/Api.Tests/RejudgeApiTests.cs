using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orchestration.Tests.Waiting;

namespace Orchestration.Api.Tests;

/// <summary><c>POST /api/batches/{id}/rejudge</c> and <c>GET .../results?version=</c> over HTTP: 202 with the version's
/// URI, which answers 200 once written; problem details for bad rules, an unknown batch and a bad version.</summary>
public sealed class RejudgeApiTests
{
    private const string Batch = """
    {"id": "rj-1", "tasks": [{"id": "good", "n": 3, "command": "make test", "flags": {"flaky": {"contains": "FLAKY"}}}]}
    """;

    [Fact]
    public async Task Rejudge_FinishedBatch_AcceptedThenTheNewVersionAndTheOriginalAreBothThere()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        using var submitted = await host.SubmitAsync(Batch);
        await host.WaitForStatusAsync("rj-1", s => s is "completed");
        var original = await host.Http.GetStringAsync("/api/batches/rj-1/results");

        // Act
        using var rejudge = await host.Http.PostAsync("/api/batches/rj-1/rejudge", Json("""{"tasks": [{"id": "good", "flags": {"never": {"regex": "^NEVER$"}}}]}"""));
        var body = await rejudge.Content.ReadFromJsonAsync<JsonElement>();
        JsonElement version = default;
        await Eventually.HoldsAsync(async () =>
        {
            using var answer = await host.Http.GetAsync("/api/batches/rj-1/results?version=2");
            Assert.True(answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, $"{answer.StatusCode}");
            if (answer.StatusCode == HttpStatusCode.OK)
            {
                version = await answer.Content.ReadFromJsonAsync<JsonElement>();
            }

            return answer.StatusCode == HttpStatusCode.OK;
        }, "version 2 is written", TimeSpan.FromSeconds(60));

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, rejudge.StatusCode);
        Assert.Equal("/api/batches/rj-1/results?version=2", rejudge.Headers.Location!.OriginalString);
        Assert.Equal(2, body.GetProperty("version").GetInt32());
        Assert.Equal(2, version.GetProperty("version").GetInt32());
        var task = version.GetProperty("tasks")[0];
        Assert.Equal(0, task.GetProperty("flagged").GetProperty("never").GetInt32());
        Assert.False(task.GetProperty("flagged").TryGetProperty("flaky", out _));
        Assert.Equal(3, version.GetProperty("rejudge").GetProperty("rejudged").GetInt32());
        Assert.Equal("^NEVER$", version.GetProperty("rejudge").GetProperty("rules").GetProperty("tasks")[0].GetProperty("flags").GetProperty("never").GetProperty("regex").GetString());
        Assert.Equal(original, await host.Http.GetStringAsync("/api/batches/rj-1/results?version=1"));
        Assert.Equal(2, (await host.Http.GetFromJsonAsync<JsonElement>("/api/batches/rj-1/results")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Rejudge_BadRulesUnknownBatchOrVersion_ProblemDetails()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        using var submitted = await host.SubmitAsync(Batch);
        await host.WaitForStatusAsync("rj-1", s => s is "completed");

        // Act
        using var bad = await host.Http.PostAsync("/api/batches/rj-1/rejudge", Json("""{"tasks": [{"id": "good", "flags": {"x": {"regex": ""}}}]}"""));
        using var empty = await host.Http.PostAsync("/api/batches/rj-1/rejudge", Json(""));
        using var unknown = await host.Http.PostAsync("/api/batches/nope/rejudge", Json("""{"tasks": [{"id": "good", "flag": {"contains": "x"}}]}"""));
        using var noVersion = await host.Http.GetAsync("/api/batches/rj-1/results?version=9");
        using var badVersion = await host.Http.GetAsync("/api/batches/rj-1/results?version=0");

        // Assert
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Equal("tasks[0].flags.x.regex", problem.GetProperty("errors")[0].GetProperty("path").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noVersion.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badVersion.StatusCode);
        Assert.Equal("version", (await badVersion.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("path").GetString());
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");
}
