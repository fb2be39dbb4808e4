using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orchestration.Api.Tests;

/// <summary>A batch with <c>maxCostUsd</c> through the HTTP API: refused without a bound on every Claude run, stopped
/// by its cap with the rest skipped in status, results and CSV, and the cap beside the dry run's estimate.</summary>
public sealed class BudgetCapApiTests
{
    // 1 vCPU / 0.5 GiB ($0.000019 a second): one attempt's upper bound is (1 + 600 + 30) s = $0.011989; a run of the
    // scripted runner lasts 2 s ($0.000038). One at a time under $0.012: the first fits, the second would make
    // 0.000038 + 0.011989 = $0.012027.
    private const string Capped = """
        {"id": "capped-1", "maxParallelRuns": 1, "maxCostUsd": 0.012,
         "tasks": [{"id": "good", "n": 3, "command": "make test", "timeoutSeconds": 1, "maxAttempts": 1, "profile": {"cpu": "1", "memory": "512Mi"}}]}
        """;

    [Fact]
    public async Task Submit_CapReached_StatusResultsAndCsvShowStoppedAndSkipped()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();

        // Act
        using var submitted = await host.SubmitAsync(Capped);
        var status = await host.WaitForStatusAsync("capped-1", s => s is not ("pending" or "running"));
        var results = await host.Http.GetFromJsonAsync<JsonElement>("/api/batches/capped-1/results");
        var csv = (await host.Http.GetStringAsync("/api/batches/capped-1/results?format=csv")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        // Assert: status
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Assert.Equal("stopped", status.GetProperty("status").GetString());
        Assert.Equal("Stopped by the cost cap: the next run could cost up to $0.011989 and $0.000038 of the $0.012 cap is spent or reserved.",
            status.GetProperty("reason").GetString());
        var progress = status.GetProperty("progress");
        Assert.Equal((3, 1, 2), (progress.GetProperty("total").GetInt32(), progress.GetProperty("completed").GetInt32(), progress.GetProperty("skipped").GetInt32()));
        var task = status.GetProperty("tasks")[0];
        Assert.Equal((1, 0, 2), (task.GetProperty("passed").GetInt32(), task.GetProperty("cancelled").GetInt32(), task.GetProperty("skipped").GetInt32()));

        // Assert: results (the pass rate counts the judged run only) and CSV
        var total = results.GetProperty("total");
        Assert.Equal((3, 1, 0, 2), (total.GetProperty("runs").GetInt32(), total.GetProperty("passed").GetInt32(), total.GetProperty("cancelled").GetInt32(), total.GetProperty("skipped").GetInt32()));
        Assert.Equal(1, total.GetProperty("passRate").GetProperty("total").GetInt32());
        Assert.True(total.GetProperty("cost").GetProperty("totalUsd").GetDecimal() <= 0.012m);
        var header = csv[0].Split(',');
        var skipped = Array.IndexOf(header, "skipped");
        Assert.Equal("retries", header[skipped - 1]);
        Assert.Equal("2", csv[^1].Split(',')[skipped]);
        Assert.StartsWith("total,,3,1,0,0,0,0,", csv[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_CapWithClaudeTaskWithoutMaxBudget_RefusedAtThatTask()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();

        // Act
        using var response = await host.SubmitAsync("""
            {"id": "unbounded", "maxCostUsd": 10, "tasks": [{"id": "a", "prompt": "hi", "maxBudgetUsd": 1}, {"id": "b", "prompt": "hi"}]}
            """);

        // Assert: nothing stored
        var problem = await BatchLifecycleTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "tasks[1].maxBudgetUsd");
        Assert.Contains("has no upper bound", problem.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync("/api/batches/unbounded")).StatusCode);
    }

    [Fact]
    public async Task DryRun_Capped_ShowsTheCapBesideTheEstimate()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();

        // Act
        using var response = await host.Http.PostAsync("/api/batches?dryRun=true", new StringContent(Capped, System.Text.Encoding.UTF8, "application/json"));
        var plan = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert: 3 x $0.011989 = $0.035967 is over $0.012; one run fits at its bound; one chunk at a time.
        var budget = plan.GetProperty("budget");
        Assert.Equal(0.012m, budget.GetProperty("maxCostUsd").GetDecimal());
        Assert.True(budget.GetProperty("upperExceedsCap").GetBoolean());
        Assert.Equal(1, budget.GetProperty("runsWithinCap").GetInt32());
        Assert.Equal(0.035967m, plan.GetProperty("cost").GetProperty("upperUsd").GetDecimal());
        Assert.Equal(1, plan.GetProperty("chunks").GetProperty("atOnce").GetInt32());
    }
}
