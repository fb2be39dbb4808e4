using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orchestration.Api.Tests;

/// <summary>The asynchronous request-reply contract of the status endpoint (202 + Retry-After while running,
/// 200 once ended, <c>?wait=</c>), the Durable link names, plain JSON escapes and batch labels in run rows.</summary>
public sealed class StatusPollingTests
{
    [Fact]
    public async Task Status_RunningThenEnded_Is202WithRetryAfterThen200Without()
    {
        // Arrange: runs that claim and never finish.
        await using var host = await ApiHost.StartAsync();
        using var submitted = await host.SubmitAsync("""{"id": "poll-1", "tasks": [{"id": "hang", "n": 2, "command": "sleep 100"}]}""");
        await host.WaitForStatusAsync("poll-1", s => s == "running");

        // Act
        using var running = await host.Http.GetAsync("/api/batches/poll-1");
        using var cancel = await host.Http.PostAsync("/api/batches/poll-1/cancel", null);
        await host.WaitForStatusAsync("poll-1", s => s == "cancelled");
        using var ended = await host.Http.GetAsync("/api/batches/poll-1");

        // Assert: the submission is accepted with where and when to poll, and Durable's link names.
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Assert.Equal("/api/batches/poll-1", submitted.Headers.Location!.OriginalString);
        Assert.True(submitted.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After {submitted.Headers.RetryAfter}");
        var links = await submitted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(links.GetProperty("created").GetBoolean());
        Assert.Equal("pending", links.GetProperty("status").GetString());
        Assert.Equal("/api/batches/poll-1", links.GetProperty("statusQueryGetUri").GetString());
        Assert.Equal("/api/batches/poll-1/cancel", links.GetProperty("sendEventPostUri").GetString());
        Assert.Equal("/api/batches/poll-1", links.GetProperty("purgeHistoryDeleteUri").GetString());
        Assert.DoesNotContain("runtime/webhooks", links.GetRawText(), StringComparison.OrdinalIgnoreCase);

        // Assert: 202 while running, 200 once ended.
        Assert.Equal(HttpStatusCode.Accepted, running.StatusCode);
        Assert.Equal("/api/batches/poll-1", running.Headers.Location!.OriginalString);
        Assert.True(running.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After {running.Headers.RetryAfter}");
        Assert.Equal("running", (await running.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        Assert.Null(ended.Headers.RetryAfter);
        var document = await ended.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("cancelled", document.GetProperty("status").GetString());
        Assert.Equal("/api/batches/poll-1", document.GetProperty("links").GetProperty("statusQueryGetUri").GetString());
    }

    [Fact]
    public async Task Status_WaitWhileRunning_AnswersAsSoonAsTheStatusChanges()
    {
        // Arrange: every run claimed, so nothing changes until the cancel.
        await using var host = await ApiHost.StartAsync();
        using var submitted = await host.SubmitAsync("""{"id": "poll-2", "tasks": [{"id": "hang", "n": 2, "command": "sleep 100"}]}""");
        var before = await host.WaitForStatusAsync("poll-2", s => s == "running");
        await host.WaitForDocumentAsync("poll-2", s => s.GetProperty("progress").GetProperty("running").GetInt32() == 2);

        // Act: a 50 s long poll, then a change.
        var clock = Stopwatch.StartNew();
        var waiting = host.Http.GetAsync("/api/batches/poll-2?wait=50");
        using var cancel = await host.Http.PostAsync("/api/batches/poll-2/cancel", null);
        using var answer = await waiting;
        var elapsed = clock.Elapsed;

        // Assert: back well before the 50 s, with a document that differs from the one before the change.
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.True(elapsed < TimeSpan.FromSeconds(40), $"The long poll took {elapsed}.");
        var after = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(after.GetProperty("status").GetString() != "running"
                    || after.GetProperty("progress").GetRawText() != before.GetProperty("progress").GetRawText()
                    || after.GetProperty("tasks").GetRawText() != before.GetProperty("tasks").GetRawText(),
            $"answered an unchanged document: {after}");
    }

    [Fact]
    public async Task Status_WaitWithoutChange_AnswersAfterTheWaitWith202()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        using var submitted = await host.SubmitAsync("""{"id": "poll-3", "tasks": [{"id": "hang", "n": 1, "command": "sleep 100"}]}""");
        await host.WaitForStatusAsync("poll-3", s => s == "running");
        await host.WaitForDocumentAsync("poll-3", s => s.GetProperty("progress").GetProperty("running").GetInt32() == 1);

        // Act
        var clock = Stopwatch.StartNew();
        using var answer = await host.Http.GetAsync("/api/batches/poll-3?wait=2");

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"answered after {clock.Elapsed}");
        Assert.NotNull(answer.Headers.RetryAfter);
    }

    [Theory]
    [InlineData("61")]
    [InlineData("-1")]
    [InlineData("soon")]
    public async Task Status_WaitOutOfRange_Is400NamingWait(string wait)
    {
        await using var host = await ApiHost.StartAsync();
        using var submitted = await host.SubmitAsync("""{"id": "poll-4", "tasks": [{"id": "hang", "command": "sleep 100"}]}""");

        using var answer = await host.Http.GetAsync("/api/batches/poll-4?wait=" + wait);

        await BatchLifecycleTests.AssertProblemAsync(answer, HttpStatusCode.BadRequest, "wait");
    }

    [Fact]
    public async Task Answers_PlusAndApostrophe_AreWrittenPlainAndBatchLabelsReachRunRows()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        const string batch = """
        {"id": "plain-1", "labels": {"team": "a+b's", "repo": "batch"},
         "tasks": [{"id": "good", "n": 2, "command": "echo 'x+y'", "labels": {"repo": "own"}}, {"id": "other", "command": "true"}]}
        """;

        // Act
        using var submitted = await host.SubmitAsync(batch);
        await host.WaitForStatusAsync("plain-1", s => s == "completed");
        var runs = await host.Http.GetStringAsync("/api/batches/plain-1/runs");
        var jsonl = await host.Http.GetStringAsync("/api/batches/plain-1/runs?format=jsonl");
        var csv = await host.Http.GetStringAsync("/api/batches/plain-1/runs?format=csv");
        var results = await host.Http.GetStringAsync("/api/batches/plain-1/results");
        var list = await host.Http.GetStringAsync("/api/batches?top=10");
        using var problem = await host.SubmitAsync("""{"id": "x", "tasks": [{"id": "a'+b", "command": "true"}]}""");
        var problemText = await problem.Content.ReadAsStringAsync();

        // Assert: no \u002B / \u0027 anywhere, the characters themselves where they belong.
        foreach (var text in new[] { runs, jsonl, results, list, problemText })
        {
            Assert.DoesNotContain("\\u002B", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("\\u0027", text, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains("\"label.team\":\"a+b's\"", runs, StringComparison.Ordinal);

        // Assert: the batch's labels on every row, a task's own label winning.
        var items = JsonDocument.Parse(runs).RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, items.Count);
        Assert.All(items, i => Assert.Equal("a+b's", i.GetProperty("label.team").GetString()));
        Assert.Equal(["own", "own", "batch"], items.Select(i => i.GetProperty("label.repo").GetString()));
        var header = csv.Split("\r\n")[0].Split(',');
        Assert.Contains("label.team", header);
        Assert.Contains("a+b's", csv, StringComparison.Ordinal);
    }
}
