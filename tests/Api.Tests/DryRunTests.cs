using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orchestration.Activities.Inputs;

namespace Orchestration.Api.Tests;

public sealed class DryRunTests
{
    private const string TwoTasks = """
        {"id": "dry-1", "tasks": [
          {"id": "a", "command": "cat input/f.txt", "n": 3, "inputs": {"f.txt": {"text": "hello"}}},
          {"id": "b", "command": "cat input/f.txt", "n": 2, "inputs": {"f.txt": {"text": "hello"}}},
          {"id": "c", "command": "true", "n": 4, "profile": {"cpu": "2", "memory": "4Gi"}}]}
        """;

    [Fact]
    public async Task DryRun_ValidBatch_AnswersThePlanAndStoresNothing()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();

        // Act
        using var response = await DryRunAsync(host, TwoTasks);
        var plan = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert: the plan
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(plan.GetProperty("dryRun").GetBoolean());
        Assert.Contains("nothing was started or stored", plan.GetProperty("note").GetString()!, StringComparison.Ordinal);
        Assert.Equal("dry-1", plan.GetProperty("batchId").GetString());
        Assert.False(plan.GetProperty("exists").GetBoolean());
        Assert.StartsWith("create batch 'dry-1'", plan.GetProperty("submitWould").GetString()!, StringComparison.Ordinal);
        Assert.Equal(9, plan.GetProperty("runs").GetInt32());
        Assert.Equal(1, plan.GetProperty("chunks").GetProperty("count").GetInt32());
        var jobs = plan.GetProperty("jobs").EnumerateArray().ToList();
        Assert.Equal(2, jobs.Count);
        Assert.Equal(["a", "b"], jobs[0].GetProperty("tasks").EnumerateArray().Select(t => t.GetString()));
        Assert.All(jobs, j => Assert.False(j.GetProperty("exists").GetBoolean()));
        var set = Assert.Single(plan.GetProperty("inputSets").EnumerateArray());
        Assert.Equal(["a", "b"], set.GetProperty("tasks").EnumerateArray().Select(t => t.GetString()));
        var bundle = Assert.Single(set.GetProperty("objects").EnumerateArray());
        Assert.Equal(await InlineBundleShaAsync("f.txt", "hello"), bundle.GetProperty("reference").GetString());
        Assert.False(bundle.GetProperty("uploaded").GetBoolean());
        Assert.Equal(JsonValueKind.Null, plan.GetProperty("cost").GetProperty("likelyUsd").ValueKind);

        // Assert: nothing stored or started
        var list = await host.Http.GetFromJsonAsync<JsonElement>("/api/batches");
        Assert.Empty(list.GetProperty("items").EnumerateArray());
        Assert.Null(await host.Batches.GetAsync("dry-1"));
        Assert.Equal(0, await host.InstanceCountAsync());
        Assert.Empty((await host.Objects.ListAsync("")).Items);
        Assert.Empty((await host.Jobs.ListJobsAsync()).Items);
    }

    [Theory]
    [InlineData("""{"tasks": [{"id": "a", "command": "x", "n": 0}]}""")]
    [InlineData("""{"id": "bad id", "tasks": [{"id": "a", "command": "x", "comand": "y"}]}""")]
    [InlineData("""{"tasks": [""")]
    public async Task DryRun_InvalidDocument_SameProblemAsSubmit(string document)
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();

        // Act
        using var dryRun = await DryRunAsync(host, document);
        using var submit = await host.SubmitAsync(document);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, dryRun.StatusCode);
        Assert.Equal(await submit.Content.ReadAsStringAsync(), await dryRun.Content.ReadAsStringAsync());
        Assert.Equal(0, await host.InstanceCountAsync());
    }

    [Fact]
    public async Task DryRun_ProfileAndTimeout_UpperBoundBillsEveryAttemptForTheTaskTimeout()
    {
        // Arrange: 3 runs x 2 attempts of 2 vCPU and 4 GiB for 100 s of work (+ 600 s setup + 30 s upload margin = 730 s)
        await using var host = await ApiHost.StartAsync();
        const string Document = """{"id": "cost-1", "tasks": [{"id": "t", "command": "x", "n": 3, "maxAttempts": 2, "timeoutSeconds": 100, "profile": {"cpu": "2", "memory": "4Gi"}}]}""";

        // Act
        var plan = await (await DryRunAsync(host, Document)).Content.ReadFromJsonAsync<JsonElement>();

        // Assert: 2 x 730 x 6 = 8,760 vCPU-s and 4 x 730 x 6 = 17,520 GiB-s at $0.000018 and $0.000002
        var cost = Assert.Single(plan.GetProperty("tasks").EnumerateArray()).GetProperty("cost");
        Assert.Equal(730, cost.GetProperty("attemptSecondsMax").GetInt32());
        Assert.Equal(6, cost.GetProperty("attemptsMax").GetInt64());
        Assert.Equal(8760m, cost.GetProperty("vcpuSecondsMax").GetDecimal());
        Assert.Equal(17520m, cost.GetProperty("gibSecondsMax").GetDecimal());
        Assert.Equal(0.19272m, cost.GetProperty("cloudRunUsdMax").GetDecimal());
        Assert.Equal(JsonValueKind.Null, cost.GetProperty("claudeUsdMax").ValueKind);
        Assert.Equal(0.19272m, plan.GetProperty("cost").GetProperty("upperUsd").GetDecimal());
        Assert.True(plan.GetProperty("cost").GetProperty("bounded").GetBoolean());
    }

    [Fact]
    public async Task DryRun_ClaudeTasks_BudgetTimesRunsTimesAttemptsBoundsClaude()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        const string Document = """
            {"id": "claude-1", "tasks": [
              {"id": "capped", "prompt": "hi", "n": 4, "maxAttempts": 3, "maxBudgetUsd": 0.5, "timeoutSeconds": 60},
              {"id": "open", "prompt": "hi", "n": 1, "maxAttempts": 1, "timeoutSeconds": 60}]}
            """;

        // Act
        var plan = await (await DryRunAsync(host, Document)).Content.ReadFromJsonAsync<JsonElement>();

        // Assert: 0.5 x 4 x 3 = 6 for the capped task; none for the other, which the plan says
        var tasks = plan.GetProperty("tasks").EnumerateArray().ToList();
        var capped = tasks[0].GetProperty("cost");
        Assert.Equal(6m, capped.GetProperty("claudeUsdMax").GetDecimal());
        Assert.Equal(capped.GetProperty("cloudRunUsdMax").GetDecimal() + 6m, capped.GetProperty("upperUsd").GetDecimal());
        Assert.True(capped.GetProperty("bounded").GetBoolean());
        Assert.False(tasks[1].GetProperty("cost").GetProperty("bounded").GetBoolean());
        Assert.Equal(6m, plan.GetProperty("cost").GetProperty("claudeUsdMax").GetDecimal());
        Assert.False(plan.GetProperty("cost").GetProperty("bounded").GetBoolean());
        Assert.Contains(plan.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("'open'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DryRun_AfterASubmit_SaysTheBatchJobsAndBundleExist()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        using var submitted = await host.SubmitAsync(TwoTasks);
        await host.WaitForStatusAsync("dry-1", s => s == "completed");

        // Act
        var again = await (await DryRunAsync(host, TwoTasks)).Content.ReadFromJsonAsync<JsonElement>();
        var changed = await (await DryRunAsync(host, TwoTasks.Replace("\"n\": 4", "\"n\": 5", StringComparison.Ordinal))).Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.True(again.GetProperty("exists").GetBoolean());
        Assert.Equal("completed", again.GetProperty("existingStatus").GetString());
        Assert.StartsWith("return the existing batch 'dry-1'", again.GetProperty("submitWould").GetString()!, StringComparison.Ordinal);
        Assert.All(again.GetProperty("jobs").EnumerateArray(), j => Assert.True(j.GetProperty("exists").GetBoolean()));
        var bundle = Assert.Single(Assert.Single(again.GetProperty("inputSets").EnumerateArray()).GetProperty("objects").EnumerateArray());
        Assert.True(bundle.GetProperty("uploaded").GetBoolean());
        Assert.StartsWith("be refused (409)", changed.GetProperty("submitWould").GetString()!, StringComparison.Ordinal);
        Assert.NotEmpty((await host.Objects.ListAsync("")).Items);
        var list = await host.Http.GetFromJsonAsync<JsonElement>("/api/batches");
        Assert.Single(list.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task DryRun_IdempotencyKeyOrNoId_IdFromTheKeyOrGenerated()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        const string Document = """{"tasks": [{"id": "a", "command": "x"}]}""";
        using var keyed = await host.SubmitAsync(Document, "key-1");
        var id = (await keyed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        // Act
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/batches?dryRun=true") { Content = new StringContent(Document, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", "key-1");
        var withKey = await (await host.Http.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
        var withoutKey = await (await DryRunAsync(host, Document)).Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(id, withKey.GetProperty("batchId").GetString());
        Assert.True(withKey.GetProperty("exists").GetBoolean());
        Assert.Equal(JsonValueKind.Null, withoutKey.GetProperty("batchId").ValueKind);
        Assert.False(withoutKey.GetProperty("exists").GetBoolean());
        Assert.Contains("generated id", withoutKey.GetProperty("submitWould").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_NotABoolean_Refused()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();

        // Act
        using var response = await host.Http.PostAsync("/api/batches?dryRun=maybe", new StringContent(TwoTasks, Encoding.UTF8, "application/json"));

        // Assert
        await BatchLifecycleTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "dryRun");
        Assert.Null(await host.Batches.GetAsync("dry-1"));
    }

    [Fact]
    public async Task OpenApi_SubmitBatch_DocumentsDryRunAndEveryFieldOfThePlan()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        var plan = await (await DryRunAsync(host, TwoTasks)).Content.ReadFromJsonAsync<JsonElement>();

        // Act
        var openApi = await host.Http.GetFromJsonAsync<JsonElement>("/api/openapi.json");

        // Assert
        var post = openApi.GetProperty("paths").GetProperty("/api/batches").GetProperty("post");
        var parameter = Assert.Single(post.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "dryRun");
        Assert.Equal("query", parameter.GetProperty("in").GetString());
        var reference = post.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString();
        var schema = openApi.GetProperty("components").GetProperty("schemas").GetProperty("DryRunPlan");
        Assert.Equal(reference, schema.GetProperty("$id").GetString());
        Assert.Equal(plan.EnumerateObject().Select(p => p.Name).Order(), schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
    }

    private static Task<HttpResponseMessage> DryRunAsync(ApiHost host, string document) =>
        host.Http.PostAsync("/api/batches?dryRun=true", new StringContent(document, Encoding.UTF8, "application/json"));

    private static async Task<string> InlineBundleShaAsync(string name, string text)
    {
        var built = await new InputBundler(new BundleOptions()).BuildAsync([new BundleEntry(name, Encoding.UTF8.GetBytes(text))]);
        File.Delete(built.GzipPath);
        return built.Sha256;
    }
}
