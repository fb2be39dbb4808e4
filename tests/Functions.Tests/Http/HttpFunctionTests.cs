using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Api.Tests;
using Orchestration.Functions.Tests.Support;

namespace Orchestration.Functions.Tests.Http;

/// <summary>Each HTTP function called as the Functions host calls it, delegating to the shared handlers of src/Api
/// over the real Durable Task SDK client, compared with what the standalone server answers for the same request
/// (<see cref="ApiHost"/>: the same API on Kestrel over the embedded engine): status, content type, Location and
/// the whole document, problem documents included.</summary>
[Collection(HostsCollection.Name)]
public sealed class HttpFunctionTests(HostsFixture hosts)
{
    private const string Batch = """
    {"id": "BATCH", "labels": {"team": "safety"},
     "tasks": [
       {"id": "good", "n": 3, "command": "make test", "labels": {"repo": "app, \"main\""}, "flags": {"flaky": {"contains": "FLAKY"}}},
       {"id": "bad", "n": 2, "command": "make lint", "labels": {"tier": "2"}}
     ]}
    """;

    public static TheoryData<string, string, string, string?> StatelessRequests() => new()
    {
        { "health", "GET", "/api/health", null },
        { "OpenAPI document", "GET", "/api/openapi.json", null },
        { "batch schema", "GET", "/api/schema/batch.json", null },
        { "submit three problems in three places", "POST", "/api/batches", """{"tasks": [{"id": "a", "command": "x", "comand": "y"}, {"id": "b", "command": "x", "n": "5"}, {"id": "c", "command": "x", "timeoutSeconds": 0}]}""" },
        { "status of an unknown batch", "GET", "/api/batches/nope", null },
        { "results of an unknown batch", "GET", "/api/batches/nope/results", null },
        { "results in an unknown format", "GET", "/api/batches/nope/results?format=xml", null },
        { "runs of an unknown batch", "GET", "/api/batches/nope/runs", null },
        { "runs in an unknown format", "GET", "/api/batches/nope/runs?format=yaml", null },
        { "artifact of an unknown batch", "GET", "/api/batches/nope/runs/t/0/artifacts/response", null },
        { "cancel of an unknown batch", "POST", "/api/batches/nope/cancel", null },
        { "purge of an unknown batch", "DELETE", "/api/batches/nope", null },
        { "rejudge of an unknown batch", "POST", "/api/batches/nope/rejudge", """{"tasks": [{"id": "a", "flag": {"contains": "x"}}]}""" },
        { "rerun of an unknown batch", "POST", "/api/batches/nope/rerun", null },
        { "rerun with a bad body", "POST", "/api/batches/nope/rerun", """{"outcomes": ["passed", "x"], "tasks": []}""" },
        { "results version of an unknown batch", "GET", "/api/batches/nope/results?version=2", null },
        { "results with a bad version", "GET", "/api/batches/nope/results?version=x", null },
        { "list with an unknown status", "GET", "/api/batches?status=running,bogus", null },
        { "list with a zero page size", "GET", "/api/batches?top=0", null },
        { "list with an oversized page size", "GET", "/api/batches?top=100000", null },
        { "submit broken JSON", "POST", "/api/batches", """{"tasks": [""" },
        { "submit an empty body", "POST", "/api/batches", "" },
        { "submit an unknown field", "POST", "/api/batches", """{"taks": []}""" },
        { "submit several problems", "POST", "/api/batches", """{"id": "bad id", "tasks": [{"id": "a", "command": "x", "n": 0}, {"id": "b", "prompt": "", "maxAttempts": 9}]}""" },
        { "submit a secret-looking value", "POST", "/api/batches", """{"tasks": [{"id": "a", "command": "x", "profile": {"env": {"X": "ghp_abcdefghijklmnop1234"}}}]}""" },
        // A profile and inputs no other test uses: no job or bundle of it exists on either host, whatever ran before.
        { "dry run of a valid batch", "POST", "/api/batches?dryRun=true", """{"id": "dry-fn", "tasks": [{"id": "a", "n": 3, "command": "x", "inputs": {"f": {"text": "dry-fn only"}}, "profile": {"cpu": "4", "memory": "3Gi"}}, {"id": "b", "prompt": "hi", "maxBudgetUsd": 0.25}]}""" },
        { "dry run of an invalid batch", "POST", "/api/batches?dryRun=true", """{"id": "bad id", "tasks": [{"id": "a", "command": "x", "n": 0}]}""" },
        { "input bundle with a malformed hash", "PUT", "/api/inputs/ABC", "bundle" },
        { "input bundle whose hash does not match", "PUT", "/api/inputs/" + new string('a', 64), "bundle" },
        { "dashboard page", "GET", "/api/ui/", null },
        { "dashboard script", "GET", "/api/ui/app.js", null },
        { "dashboard style", "GET", "/api/ui/app.css", null },
        { "dashboard unknown file", "GET", "/api/ui/nope.js", null },
        { "compare of unknown batches", "GET", "/api/compare?a=nope&b=nope-either", null },
        { "compare with a bad detectable difference", "GET", "/api/compare?a=nope&b=nope&mde=2", null },
    };

    [Theory]
    [MemberData(nameof(StatelessRequests))]
    public async Task Function_SameRequestAsStandalone_SameAnswer(string name, string method, string path, string? body)
    {
        // Act
        var function = await hosts.Functions.SendAsync(method, path, body);
        var standalone = await SendStandaloneAsync(method, path, body);

        // Assert
        Assert.True(Comparable.Of(standalone) == Comparable.Of(function), $"{name}:\nstandalone {standalone}\nfunction   {function}");
        Assert.NotEqual(0, function.Status);
    }

    [Fact]
    public async Task UnknownBatch_Status_IsA404ProblemDocument()
    {
        // The comparison above, pinned to the documented answer so both hosts agreeing on something wrong fails too.
        var answer = await hosts.Functions.SendAsync("GET", "/api/batches/nope");

        Assert.Equal(404, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal("urn:orchestration:problem:not-found", answer.Element.GetProperty("type").GetString());
        Assert.Equal(404, answer.Element.GetProperty("status").GetInt32());
        Assert.Equal("No batch 'nope'.", answer.Element.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Submit_BadBody_IsA400ProblemWithEveryPathAndStartsNothing()
    {
        // Act
        var answer = await hosts.Functions.SendAsync("POST", "/api/batches", """{"id": "bad id", "tasks": [{"id": "a", "command": "x", "n": 0}]}""");

        // Assert
        Assert.Equal(400, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal("urn:orchestration:problem:validation", answer.Element.GetProperty("type").GetString());
        Assert.Equal(["id", "tasks[0].n"], answer.Element.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).Order());
        Assert.Null(await hosts.Functions.Client.GetInstanceAsync("bad id"));
    }

    [Fact]
    public async Task Submit_ValidBatch_SameLifecycleAsStandalone()
    {
        // Arrange
        var batch = Batch.Replace("BATCH", "life-fn", StringComparison.Ordinal);

        // Act / Assert: submit (202, Location, Retry-After, links), the same submit again (idempotent, created: false;
        // its status may differ between the hosts, so it is checked on the function alone) and a different document
        // under the same id (409).
        await AssertSameAsync("POST", "/api/batches", batch, expectedStatus: 202);
        var again = await hosts.Functions.SendAsync("POST", "/api/batches", batch);
        Assert.False(again.Element.GetProperty("created").GetBoolean());
        Assert.Equal("/api/batches/life-fn", again.Element.GetProperty("statusQueryGetUri").GetString());
        Assert.Equal("/api/batches/life-fn/cancel", again.Element.GetProperty("sendEventPostUri").GetString());
        await AssertSameAsync("POST", "/api/batches", batch.Replace("make lint", "make other", StringComparison.Ordinal), expectedStatus: 409);

        // The SDK started the batch orchestration under the batch id, through the function's durable client.
        var instance = await hosts.Functions.Client.GetInstanceAsync("life-fn");
        Assert.NotNull(instance);
        Assert.Equal("BatchOrchestrator", instance.Name);

        // Both hosts run it to the end: the function's on the real SDK, the standalone one on the embedded engine.
        var status = await WaitForFunctionStatusAsync("life-fn");
        await hosts.Standalone.WaitForStatusAsync("life-fn", s => s is "completed" or "failed" or "cancelled");
        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.Equal(5, status.GetProperty("progress").GetProperty("completed").GetInt32());

        // Every read of the finished batch answers the same.
        await AssertSameAsync("GET", "/api/batches/life-fn", expectedStatus: 200);
        await AssertSameAsync("GET", "/api/batches/life-fn/results", expectedStatus: 200);
        await AssertSameAsync("GET", "/api/batches/life-fn/results?format=csv", expectedStatus: 200);
        await AssertSameAsync("GET", "/api/batches/life-fn/runs", expectedStatus: 200);
        await AssertSameAsync("GET", "/api/batches/life-fn/runs?format=csv", expectedStatus: 200);
        await AssertSameAsync("GET", "/api/batches/life-fn/runs?format=jsonl", expectedStatus: 200);
        await AssertSameAsync("GET", "/api/batches/life-fn/runs/bad/1/artifacts/response", expectedStatus: 200);
        await AssertSameAsync("GET", "/api/batches/life-fn/runs/good/0/artifacts/response?attempt=1", expectedStatus: 200);
        await AssertSameAsync("GET", "/api/batches/life-fn/runs/good/0/artifacts/stdout", expectedStatus: 404);
        await AssertSameAsync("GET", "/api/batches/life-fn/runs/good/0/artifacts/response?attempt=0", expectedStatus: 400);
        await AssertSameListItemAsync("/api/batches?status=completed&top=1000", "life-fn");

        // Nothing errored or timed out: a rerun conflicts on both.
        await AssertSameAsync("POST", "/api/batches/life-fn/rerun", expectedStatus: 409);

        // A finished batch: cancel conflicts, purge is accepted, and then the batch is gone on both.
        await AssertSameAsync("POST", "/api/batches/life-fn/cancel", expectedStatus: 409);
        await AssertSameAsync("DELETE", "/api/batches/life-fn", expectedStatus: 202);
        await WaitUntilGoneAsync("life-fn");
        await AssertSameAsync("GET", "/api/batches/life-fn", expectedStatus: 404);
        await AssertSameAsync("DELETE", "/api/batches/life-fn", expectedStatus: 404);
    }

    [Fact]
    public async Task Cancel_RunningBatch_SameAnswersAsStandaloneAndTheBatchEndsCancelled()
    {
        // Arrange: runs that claim and never finish, so the batch is still running when cancelled.
        const string batch = """{"id": "hang-fn", "tasks": [{"id": "hang", "n": 2, "command": "sleep 100"}]}""";
        await AssertSameAsync("POST", "/api/batches", batch, expectedStatus: 202);
        await WaitForFunctionStatusAsync("hang-fn", s => s == "running");
        await hosts.Standalone.WaitForStatusAsync("hang-fn", s => s == "running");

        // Act / Assert
        await AssertSameAsync("POST", "/api/batches/hang-fn/cancel", expectedStatus: 202);
        var status = await WaitForFunctionStatusAsync("hang-fn");
        await hosts.Standalone.WaitForStatusAsync("hang-fn", s => s is "completed" or "failed" or "cancelled");
        Assert.Equal("cancelled", status.GetProperty("status").GetString());
        await AssertSameAsync("GET", "/api/batches/hang-fn", expectedStatus: 200);
        await AssertSameAsync("GET", "/api/batches/hang-fn/runs", expectedStatus: 200);
    }

    [Fact]
    public async Task Rerun_ErroredRuns_SameAnswersAsStandaloneAndANewVersionWhereEveryRunPassed()
    {
        // Arrange: every run's one attempt errors (the "shaky" task), so the batch ends with 3 errored runs.
        const string batch = """{"id": "rerun-fn", "tasks": [{"id": "shaky", "n": 3, "command": "x", "maxAttempts": 1}, {"id": "steady", "n": 2, "command": "y"}]}""";
        await AssertSameAsync("POST", "/api/batches", batch, expectedStatus: 202);
        await WaitForFunctionStatusAsync("rerun-fn");
        await hosts.Standalone.WaitForStatusAsync("rerun-fn", s => s is "completed" or "failed" or "cancelled");
        await AssertSameAsync("GET", "/api/batches/rerun-fn/results", expectedStatus: 200);

        // Act / Assert: the rerun is accepted the same way (version 2, 3 runs), runs on the real SDK and the embedded
        // engine, and both hosts end with the same version 2 (every run passed), version 1 as it was, and the same rows.
        await AssertSameAsync("POST", "/api/batches/rerun-fn/rerun", """{"outcomes": ["errored"]}""", expectedStatus: 202);
        await WaitForFunctionStatusAsync("rerun-fn", s => s is "completed");
        await hosts.Standalone.WaitForDocumentAsync("rerun-fn", d => d.GetProperty("status").GetString() == "completed" && d.GetProperty("tasks")[0].GetProperty("passed").GetInt32() == 3);
        var version = await hosts.Functions.SendAsync("GET", "/api/batches/rerun-fn/results?version=2");
        Assert.Equal(200, version.Status);
        Assert.Equal(5, version.Element.GetProperty("total").GetProperty("passed").GetInt32());
        Assert.Equal(3, version.Element.GetProperty("rerun").GetProperty("runs").GetInt32());
        await AssertSameAsync("GET", "/api/batches/rerun-fn/results?version=2", expectedStatus: 200);
        await AssertSameAsync("GET", "/api/batches/rerun-fn/results?version=1", expectedStatus: 200);
        await AssertSameAsync("GET", "/api/batches/rerun-fn", expectedStatus: 200);
        await AssertSameAsync("GET", "/api/batches/rerun-fn/runs", expectedStatus: 200);
        await AssertSameAsync("POST", "/api/batches/rerun-fn/rerun", expectedStatus: 409);
    }

    private async Task AssertSameAsync(string method, string path, string? body = null, int expectedStatus = 200)
    {
        var function = await hosts.Functions.SendAsync(method, path, body);
        var standalone = await SendStandaloneAsync(method, path, body);
        Assert.True(expectedStatus == function.Status, $"{method} {path}: function answered {function}");
        Assert.True(Comparable.Of(standalone) == Comparable.Of(function), $"{method} {path}:\nstandalone {standalone}\nfunction   {function}");
    }

    // The list holds whatever else the tests sharing a host left there; the batch's own item must be the same.
    private async Task AssertSameListItemAsync(string path, string id)
    {
        var function = await hosts.Functions.SendAsync("GET", path);
        var standalone = await SendStandaloneAsync("GET", path, null);
        Assert.Equal(200, function.Status);
        Assert.Equal(standalone.ContentType, function.ContentType);
        var item = (HttpAnswer answer) => answer with
        {
            Body = Assert.Single(answer.Element.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == id).GetRawText(),
        };
        Assert.Equal(Comparable.Of(item(standalone)), Comparable.Of(item(function)));
    }

    private async Task<HttpAnswer> SendStandaloneAsync(string method, string path, string? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await hosts.Standalone.Http.SendAsync(request);
        return await HttpAnswer.FromAsync(response);
    }

    private async Task<JsonElement> WaitForFunctionStatusAsync(string id, Func<string, bool>? done = null)
    {
        done ??= s => s is "completed" or "failed" or "cancelled";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var answer = await hosts.Functions.SendAsync("GET", "/api/batches/" + id);
            var status = answer.Element;

            // The function passes the handler's code and headers through: 202 + Retry-After while the batch runs,
            // 200 without once it has ended.
            var ended = status.GetProperty("status").GetString() is "completed" or "failed" or "cancelled" or "terminated" or "stopped";
            Assert.True(answer.Status == (ended ? 200 : 202), $"{answer}");
            Assert.Equal(ended, answer.RetryAfter is null);
            Assert.Equal("/api/batches/" + id, answer.Location);
            if (done(status.GetProperty("status").GetString()!))
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Batch {id} is still {status.GetProperty("status")} on the function.");
            await Task.Delay(100);
        }
    }

    private async Task WaitUntilGoneAsync(string id)
    {
        // The purge runs in the background after the 202. It is awaited on the stores, not by polling GET: while
        // AzureBatchStore.DeleteAsync runs (documents deleted, then the table row), a GET that reads the row and
        // then the deleted document fails with BlobNotFound (a race in the product, reported; not this test's
        // subject).
        var table = hosts.Functions.Services.GetRequiredService<AzureStorageClients>().BatchesTable;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await table.QueryAsync<TableEntity>(e => e.PartitionKey == id).AnyAsync()
               || (await hosts.Standalone.Http.GetAsync("/api/batches/" + id)).StatusCode != System.Net.HttpStatusCode.NotFound)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Batch {id} was not purged on both hosts.");
            await Task.Delay(100);
        }
    }
}
