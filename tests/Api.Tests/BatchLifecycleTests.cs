using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestration.Domain.Schema;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows.Service;

namespace Orchestration.Api.Tests;

public sealed class BatchLifecycleTests
{
    private const string Batch = """
    {"id": "life-1", "labels": {"team": "safety"},
     "tasks": [
       {"id": "good", "n": 3, "command": "make test", "labels": {"repo": "app, \"main\""}, "flags": {"flaky": {"contains": "FLAKY"}}},
       {"id": "bad", "n": 2, "command": "make lint", "labels": {"tier": "2"}}
     ]}
    """;

    [Fact]
    public async Task Submit_ValidBatch_CompletesWithResultsRunsAndArtifacts()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();

        // Act
        using var submitted = await host.SubmitAsync(Batch);
        var body = await submitted.Content.ReadFromJsonAsync<JsonElement>();
        var status = await host.WaitForStatusAsync("life-1", s => s is "completed" or "failed" or "cancelled");

        // Assert: submit
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Assert.Equal("/api/batches/life-1", submitted.Headers.Location!.OriginalString);
        Assert.Equal("life-1", body.GetProperty("id").GetString());
        Assert.Equal("/api/batches/life-1/results", body.GetProperty("resultsUri").GetString());
        Assert.Equal("/api/batches/life-1/runs", body.GetProperty("runsUri").GetString());
        Assert.Equal("/api/batches/life-1/cancel", body.GetProperty("cancelUri").GetString());

        // Assert: status
        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.Equal(5, status.GetProperty("progress").GetProperty("completed").GetInt32());
        Assert.Equal("/api/batches/life-1", status.GetProperty("links").GetProperty("statusUri").GetString());
        Assert.DoesNotContain("runtime/webhooks", status.GetRawText(), StringComparison.OrdinalIgnoreCase);

        // Assert: results json
        var results = await host.Http.GetFromJsonAsync<JsonElement>("/api/batches/life-1/results");
        var tasks = results.GetProperty("tasks").EnumerateArray().ToList();
        Assert.Equal(3, tasks[0].GetProperty("passed").GetInt32());
        Assert.Equal(2, tasks[0].GetProperty("flagged").GetProperty("flaky").GetInt32());
        Assert.Equal(2, tasks[1].GetProperty("failed").GetInt32());

        // Assert: results csv, one row per task and a total
        using var csvResponse = await host.Http.GetAsync("/api/batches/life-1/results?format=csv");
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType!.MediaType);
        var csv = (await csvResponse.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, csv.Length);
        Assert.StartsWith("scope,task,runs,passed,failed", csv[0], StringComparison.Ordinal);
        Assert.EndsWith(",flagged.flaky", csv[0], StringComparison.Ordinal);
        Assert.StartsWith("task,good,3,3,0,", csv[1], StringComparison.Ordinal);
        Assert.StartsWith("task,bad,2,0,2,", csv[2], StringComparison.Ordinal);
        Assert.StartsWith("total,,5,3,2,", csv[3], StringComparison.Ordinal);

        // Assert: artifacts
        var response = await host.Http.GetAsync("/api/batches/life-1/runs/bad/1/artifacts/response");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("broken, \"quoted\"\nline", await response.Content.ReadAsStringAsync());
        var first = await host.Http.GetAsync("/api/batches/life-1/runs/good/0/artifacts/response?attempt=1");
        Assert.Equal("ok FLAKY", await first.Content.ReadAsStringAsync());
        await AssertProblemAsync(await host.Http.GetAsync("/api/batches/life-1/runs/good/0/artifacts/stdout"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await host.Http.GetAsync("/api/batches/life-1/runs/good/7/artifacts/response"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await host.Http.GetAsync("/api/batches/life-1/runs/good/0/artifacts/passwd"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await host.Http.GetAsync("/api/batches/life-1/runs/good/0/artifacts/response?attempt=0"), HttpStatusCode.BadRequest, "attempt");

        // Assert: cancel and purge of a finished batch
        await AssertProblemAsync(await host.Http.PostAsync("/api/batches/life-1/cancel", null), HttpStatusCode.Conflict);
        using var purge = await host.Http.DeleteAsync("/api/batches/life-1");
        Assert.Equal(HttpStatusCode.Accepted, purge.StatusCode);
        await WaitUntilAsync(async () => (await host.Http.GetAsync("/api/batches/life-1")).StatusCode == HttpStatusCode.NotFound);
        await AssertProblemAsync(await host.Http.GetAsync("/api/batches/life-1/results"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await host.Http.DeleteAsync("/api/batches/life-1"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Runs_AllFormats_FlatColumnsWithLabelsFiltersAndPaging()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        using var submitted = await host.SubmitAsync(Batch);
        await host.WaitForStatusAsync("life-1", s => s == "completed");

        // Act
        var all = await host.Http.GetFromJsonAsync<JsonElement>("/api/batches/life-1/runs");
        var page1 = await host.Http.GetFromJsonAsync<JsonElement>("/api/batches/life-1/runs?top=2");
        var token = page1.GetProperty("continuationToken").GetString()!;
        var page2 = await host.Http.GetFromJsonAsync<JsonElement>($"/api/batches/life-1/runs?top=2&continuationToken={Uri.EscapeDataString(token)}");
        var failed = await host.Http.GetFromJsonAsync<JsonElement>("/api/batches/life-1/runs?outcome=failed");
        var flagged = await host.Http.GetFromJsonAsync<JsonElement>("/api/batches/life-1/runs?flag=flaky");
        var goodOnly = await host.Http.GetFromJsonAsync<JsonElement>("/api/batches/life-1/runs?task=good");
        var jsonl = await host.Http.GetStringAsync("/api/batches/life-1/runs?format=jsonl&top=2");
        using var csvResponse = await host.Http.GetAsync("/api/batches/life-1/runs?format=csv&task=bad");
        var csv = await csvResponse.Content.ReadAsStringAsync();
        var goodCsv = await host.Http.GetStringAsync("/api/batches/life-1/runs?format=csv&task=good&outcome=passed");

        // Assert
        var items = all.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(5, items.Count);
        var row = items.Single(r => r.GetProperty("task").GetString() == "good" && r.GetProperty("runIndex").GetInt32() == 0);
        Assert.Equal("life-1", row.GetProperty("batch").GetString());
        Assert.Equal("passed", row.GetProperty("outcome").GetString());
        Assert.Equal("flaky", row.GetProperty("flags").GetString());
        Assert.Equal(0, row.GetProperty("exitCode").GetInt32());
        Assert.Equal(1, row.GetProperty("attempts").GetInt32());
        Assert.Equal("app, \"main\"", row.GetProperty("label.repo").GetString());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("label.tier").ValueKind);
        Assert.Equal("safety", row.GetProperty("label.team").GetString()); // the batch's label, on every row
        Assert.Equal(2, page1.GetProperty("items").GetArrayLength());
        Assert.Equal(2, page2.GetProperty("items").GetArrayLength());
        Assert.Empty(page1.GetProperty("items").EnumerateArray().Select(Key).Intersect(page2.GetProperty("items").EnumerateArray().Select(Key)));
        Assert.All(failed.GetProperty("items").EnumerateArray(), r => Assert.Equal("bad", r.GetProperty("task").GetString()));
        Assert.Equal(2, failed.GetProperty("items").GetArrayLength());
        Assert.Equal(2, flagged.GetProperty("items").GetArrayLength());
        Assert.Equal(3, goodOnly.GetProperty("items").GetArrayLength());

        var lines = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length); // jsonl streams every page
        Assert.All(lines, l => Assert.Equal("life-1", JsonDocument.Parse(l).RootElement.GetProperty("batch").GetString()));

        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType!.MediaType);
        var records = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("batch,task,runIndex,outcome,flags,exitCode,durationSeconds,costUsd,attempts,execution,reason,label.repo,label.team,label.tier", records[0]);
        Assert.Equal(3, records.Length);
        Assert.StartsWith("life-1,bad,0,failed,,1,", records[1], StringComparison.Ordinal);
        Assert.EndsWith(",,safety,2", records[1], StringComparison.Ordinal);
        var goodRecords = goodCsv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, goodRecords.Length);
        Assert.All(goodRecords.Skip(1), r => Assert.EndsWith(",\"app, \"\"main\"\"\",safety,", r, StringComparison.Ordinal));

        await AssertProblemAsync(await host.Http.GetAsync("/api/batches/life-1/runs?outcome=weird"), HttpStatusCode.BadRequest, "outcome");
        await AssertProblemAsync(await host.Http.GetAsync("/api/batches/life-1/runs?format=xml"), HttpStatusCode.BadRequest, "format");
        await AssertProblemAsync(await host.Http.GetAsync("/api/batches/life-1/runs?top=0"), HttpStatusCode.BadRequest, "top");
        await AssertProblemAsync(await host.Http.GetAsync("/api/batches/life-1/runs?task=nope"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await host.Http.GetAsync("/api/batches/nope/runs"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Cancel_RunningBatch_AcceptedThenCancelledThenPurgeable()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        using var submitted = await host.SubmitAsync("""{"id": "c1", "tasks": [{"id": "hang", "n": 2, "command": "sleep 100"}]}""");
        await host.WaitForStatusAsync("c1", s => s == "running");

        // Act
        await AssertProblemAsync(await host.Http.DeleteAsync("/api/batches/c1"), HttpStatusCode.Conflict);
        using var cancel = await host.Http.PostAsync("/api/batches/c1/cancel", null);
        var status = await host.WaitForStatusAsync("c1", s => s is "cancelled" or "completed" or "failed");

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal("cancelled", status.GetProperty("status").GetString());
        await AssertProblemAsync(await host.Http.PostAsync("/api/batches/c1/cancel", null), HttpStatusCode.Conflict);
        await AssertProblemAsync(await host.Http.PostAsync("/api/batches/nope/cancel", null), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Accepted, (await host.Http.DeleteAsync("/api/batches/c1")).StatusCode);
    }

    [Fact]
    public async Task Submit_Repeat_SameBodyAndConflictForDifferentContent()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        const string one = """{"id": "same", "tasks": [{"id": "a", "command": "true"}]}""";

        // Act
        using var first = await host.SubmitAsync(one);
        using var again = await host.SubmitAsync(one);
        using var different = await host.SubmitAsync("""{"id": "same", "tasks": [{"id": "a", "command": "false"}]}""");
        using var keyed = await host.SubmitAsync("""{"tasks": [{"id": "a", "command": "true"}]}""", "order-42");
        using var keyedAgain = await host.SubmitAsync("""{"tasks": [{"id": "a", "command": "true"}]}""", "order-42");
        using var keyedDifferent = await host.SubmitAsync("""{"tasks": [{"id": "a", "command": "echo"}]}""", "order-42");

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);

        // The same links; the repeat says it found the batch (created false) and where it stands.
        var firstBody = (await first.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!;
        var againBody = (await again.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!;
        Assert.True(firstBody["created"]!.GetValue<bool>());
        Assert.False(againBody["created"]!.GetValue<bool>());
        Assert.Contains(againBody["status"]!.GetValue<string>(), new[] { "pending", "running", "completed" });
        Assert.Equal(againBody["statusUri"]!.GetValue<string>(), again.Headers.Location!.OriginalString);
        foreach (var name in new[] { "created", "status" })
        {
            firstBody.Remove(name);
            againBody.Remove(name);
        }

        Assert.Equal(firstBody.ToJsonString(), againBody.ToJsonString());
        await AssertProblemAsync(different, HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.Accepted, keyed.StatusCode);
        var keyedId = (await keyed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.StartsWith("k-", keyedId, StringComparison.Ordinal);
        Assert.Equal(keyedId, (await keyedAgain.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        await AssertProblemAsync(keyedDifferent, HttpStatusCode.Conflict);
        Assert.Equal(2, (await host.Batches.ListAsync(new Activities.Stores.BatchQuery())).Items.Count);
    }

    [Fact]
    public async Task List_StatusFilterAndPaging_VisitsEveryBatchOnce()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        foreach (var i in Enumerable.Range(0, 5))
        {
            using var response = await host.SubmitAsync($$"""{"id": "list-{{i}}", "tasks": [{"id": "a", "command": "true"}]}""");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        // Act
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var url = "/api/batches?top=2" + (token is null ? string.Empty : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = await host.Http.GetFromJsonAsync<JsonElement>(url);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(b => b.GetProperty("id").GetString()!));
            token = page.GetProperty("continuationToken").ValueKind == JsonValueKind.String ? page.GetProperty("continuationToken").GetString() : null;
            pages++;
        }
        while (token is not null);

        var none = await host.Http.GetFromJsonAsync<JsonElement>("/api/batches?status=terminated");

        // Assert
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"list-{i}"), seen.Order());
        Assert.Equal(3, pages);
        Assert.Equal(0, none.GetProperty("items").GetArrayLength());
        await AssertProblemAsync(await host.Http.GetAsync("/api/batches?status=bogus"), HttpStatusCode.BadRequest, "status");
        await AssertProblemAsync(await host.Http.GetAsync("/api/batches?top=abc"), HttpStatusCode.BadRequest, "top");
    }

    [Fact]
    public async Task Results_BeforeCompletion_NotFoundProblem()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        using var submitted = await host.SubmitAsync("""{"id": "r1", "tasks": [{"id": "hang", "command": "sleep 100"}]}""");

        // Act
        using var results = await host.Http.GetAsync("/api/batches/r1/results");
        using var status = await host.Http.GetAsync("/api/batches/nope");

        // Assert
        await AssertProblemAsync(results, HttpStatusCode.NotFound);
        await AssertProblemAsync(status, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task HealthAndOpenApi_ListEveryRoute()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();

        // Act
        var health = await host.Http.GetFromJsonAsync<JsonElement>("/api/health");
        var openApi = await host.Http.GetFromJsonAsync<JsonElement>("/api/openapi.json");

        // Assert
        Assert.Equal("ok", health.GetProperty("status").GetString());
        var paths = openApi.GetProperty("paths").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateObject().Select(o => o.Name).ToHashSet());
        foreach (var (method, route) in host.Routes())
        {
            Assert.True(paths.TryGetValue(route, out var methods) && methods.Contains(method), $"{method} {route} is not in the OpenAPI document");
        }

        Assert.Equal(host.Routes().Select(r => r.Route).Distinct().Order(), paths.Keys.Order());
    }

    [Fact]
    public async Task BatchSchema_ServedWithTheHostsLimits_AndUsedByOpenApi()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        var options = host.Services.GetRequiredService<IOptions<BatchServiceOptions>>().Value;

        // Act
        using var response = await host.Http.GetAsync("/api/schema/batch.json");
        var text = await response.Content.ReadAsStringAsync();
        var openApi = await host.Http.GetFromJsonAsync<JsonElement>("/api/openapi.json");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/schema+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(BatchSchema.ToText(BatchSchema.Create(options.Limits, options.Defaults)), text);
        var body = openApi.GetProperty("paths").GetProperty("/api/batches").GetProperty("post").GetProperty("requestBody");
        Assert.Equal("/api/schema/batch.json", body.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
    }

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, params string[] paths)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
            Assert.StartsWith("urn:orchestration:problem:", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
            if (paths.Length > 0)
            {
                Assert.Equal(paths, problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()!).ToArray());
            }

            return problem;
        }
    }

    private static string Key(JsonElement row) => $"{row.GetProperty("task").GetString()}/{row.GetProperty("runIndex").GetInt32()}";

    private static Task WaitUntilAsync(Func<Task<bool>> condition) => Eventually.HoldsAsync(condition, "condition", TimeSpan.FromSeconds(20));
}
