using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orchestration.Api.Tests;

/// <summary><c>GET /api/batches/{id}/events</c> over a real Kestrel on 127.0.0.1: run events in judged order
/// with the cursor as id, progress and end; a client that drops mid-batch resumes with Last-Event-ID.</summary>
public sealed class EventStreamTests
{
    private const string Batch = """
    {"id": "events-1", "maxParallelRuns": 50,
     "tasks": [
       {"id": "good", "n": 30, "command": "make test", "maxAttempts": 3},
       {"id": "bad", "n": 20, "command": "make lint", "maxAttempts": 3}
     ]}
    """;

    [Fact]
    public async Task Events_ReconnectWithLastEventIdMidBatch_EveryRunOnceInJudgedOrderThenEnd()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        host.Runner = JudgedRunsTests.StaggeredRunner;
        using var submitted = await host.SubmitAsync(Batch);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);

        // Act: read ten run events, drop the connection, resume with the last id until the end.
        var before = await ReadAsync(host, null, stopAfterRuns: 10);
        var statusAtDrop = (await host.Http.GetFromJsonAsync<JsonElement>("/api/batches/events-1")).GetProperty("status").GetString();
        var after = await ReadAsync(host, before.Where(e => e.Name == "run").Last().Id, stopAfterRuns: int.MaxValue);
        var judged = await host.Http.GetFromJsonAsync<JsonElement>("/api/batches/events-1/runs?after=&limit=100");

        // Assert
        var runs = before.Concat(after).Where(e => e.Name == "run").ToList();
        Assert.Equal("running", statusAtDrop);
        Assert.Equal(judged.GetProperty("items").EnumerateArray().Select(Key), runs.Select(e => Key(e.Data)));
        Assert.Equal(50, runs.Select(e => Key(e.Data)).Distinct(StringComparer.Ordinal).Count());
        Assert.All(runs, e => Assert.False(string.IsNullOrEmpty(e.Id)));
        Assert.Contains(before.Concat(after), e => e.Name == "progress");
        var end = after[^1];
        Assert.Equal("end", end.Name);
        Assert.Equal("completed", end.Data.GetProperty("status").GetString());
        Assert.Equal(50, end.Data.GetProperty("progress").GetProperty("completed").GetInt32());
        Assert.Single(after, e => e.Name == "end");
    }

    [Fact]
    public async Task Events_BadLastEventIdOrUnknownBatch_ProblemDetails()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        using var submitted = await host.SubmitAsync("""{"id": "events-2", "tasks": [{"id": "good", "n": 1, "command": "true"}]}""");
        using var bad = new HttpRequestMessage(HttpMethod.Get, "/api/batches/events-2/events");
        bad.Headers.Add("Last-Event-ID", "garbage!");

        // Act
        using var badResponse = await host.Http.SendAsync(bad);
        using var unknown = await host.Http.GetAsync("/api/batches/nope/events");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, badResponse.StatusCode);
        Assert.Equal("application/problem+json", badResponse.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private static string Key(JsonElement row) =>
        row.GetProperty("task").GetString() + "/" + row.GetProperty("runIndex").GetInt32().ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads events until the stream ends or <paramref name="stopAfterRuns"/> run events came, then drops the connection.</summary>
    private static async Task<List<ServerEvent>> ReadAsync(ApiHost host, string? lastEventId, int stopAfterRuns)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/batches/events-1/events");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await host.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var events = new List<ServerEvent>();
        string? name = null, id = null, data = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length > 0)
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var (field, value) = (line[..colon], line[(colon + 1)..].TrimStart(' '));
                (name, id, data) = field switch
                {
                    "event" => (value, id, data),
                    "id" => (name, value, data),
                    "data" => (name, id, value),
                    _ => (name, id, data),
                };
                continue;
            }

            events.Add(new ServerEvent(name!, id, JsonDocument.Parse(data!).RootElement.Clone()));
            (name, id, data) = (null, null, null);
            if (events.Count(e => e.Name == "run") >= stopAfterRuns)
            {
                break;
            }
        }

        return events;
    }

    private sealed record ServerEvent(string Name, string? Id, JsonElement Data);
}
