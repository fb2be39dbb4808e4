using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestration.Activities.CloudRun;
using Orchestration.Domain.Specs;
using Orchestration.Tests.Waiting;

namespace Orchestration.Api.Tests;

/// <summary>The judged-order mode of <c>/runs</c> (<c>after</c>): a client paging through a running batch
/// sees every run once, in the order it was judged, and never a retried attempt before its final row.</summary>
public sealed class JudgedRunsTests
{
    private const string Batch = """
    {"id": "judged-1", "maxParallelRuns": 50,
     "tasks": [
       {"id": "good", "n": 30, "command": "make test", "maxAttempts": 3},
       {"id": "bad", "n": 20, "command": "make lint", "maxAttempts": 3}
     ]}
    """;

    [Fact]
    public async Task Runs_CursorWhileRunning_EveryRunOnceInJudgedOrderRetriesNotShownEarly()
    {
        // Arrange: staggered durations; of every seven runs one loses its first attempt (no result) and one has
        // its first attempt errored by the runner (a row is written, then the run is retried).
        await using var host = await ApiHost.StartAsync();
        host.Runner = StaggeredRunner;
        using var submitted = await host.SubmitAsync(Batch);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);

        // Act: page with the cursor until the batch has ended and a read after that finds nothing new.
        var seen = new List<JsonElement>();
        var cursor = "";
        var pagesWhileRunning = 0;
        await Eventually.HoldsAsync(
            async () =>
            {
                var status = (await host.Http.GetFromJsonAsync<JsonElement>("/api/batches/judged-1")).GetProperty("status").GetString();
                var page = await host.Http.GetFromJsonAsync<JsonElement>($"/api/batches/judged-1/runs?after={cursor}&limit=7");
                var items = page.GetProperty("items").EnumerateArray().ToList();
                seen.AddRange(items);
                cursor = page.GetProperty("next").GetString()!;
                if (status == "running" && items.Count > 0)
                {
                    pagesWhileRunning++;
                }

                return status == "completed" && items.Count == 0;
            },
            "the cursor reached the end of the finished batch",
            TimeSpan.FromSeconds(60));
        var all = await host.Http.GetFromJsonAsync<JsonElement>("/api/batches/judged-1/runs?after=&limit=100");

        // Assert: every run once, in the order the store judged them, retried runs only with their final row.
        var keys = seen.Select(Key).ToList();
        Assert.Equal(50, keys.Count);
        Assert.Equal(50, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(all.GetProperty("items").EnumerateArray().Select(Key), keys);
        Assert.True(pagesWhileRunning >= 2, $"only {pagesWhileRunning} pages were read while the batch ran");
        foreach (var row in seen)
        {
            var index = row.GetProperty("runIndex").GetInt32();
            var expected = row.GetProperty("task").GetString() == "bad" ? "failed" : "passed";
            Assert.Equal(expected, row.GetProperty("outcome").GetString());
            Assert.Equal(index % 7 is 3 or 5 ? 2 : 1, row.GetProperty("attempts").GetInt32());
        }
    }

    [Fact]
    public async Task Runs_JudgedOrderBadParameters_ProblemDetails()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        using var submitted = await host.SubmitAsync("""{"id": "judged-2", "tasks": [{"id": "good", "n": 2, "command": "true"}]}""");
        await host.WaitForStatusAsync("judged-2", s => s == "completed");

        // Act
        using var badCursor = await host.Http.GetAsync("/api/batches/judged-2/runs?after=bm90LWEtY3Vyc29y");
        using var badLimit = await host.Http.GetAsync("/api/batches/judged-2/runs?after=&limit=0");
        using var flag = await host.Http.GetAsync("/api/batches/judged-2/runs?after=&flag=x");
        using var unknown = await host.Http.GetAsync("/api/batches/nope/runs?after=");
        using var jsonl = await host.Http.GetAsync("/api/batches/judged-2/runs?after=&limit=1&format=jsonl");

        // Assert
        await AssertProblemAsync(badCursor, HttpStatusCode.BadRequest, "after");
        await AssertProblemAsync(badLimit, HttpStatusCode.BadRequest, "limit");
        await AssertProblemAsync(flag, HttpStatusCode.BadRequest, "flag");
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, null);
        Assert.Equal(HttpStatusCode.OK, jsonl.StatusCode);
        var next = Assert.Single(jsonl.Headers.GetValues("Next-Cursor"));
        Assert.Single((await jsonl.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var rest = await host.Http.GetFromJsonAsync<JsonElement>($"/api/batches/judged-2/runs?after={next}");
        Assert.Single(rest.GetProperty("items").EnumerateArray());
    }

    private static string Key(JsonElement row) =>
        row.GetProperty("task").GetString() + "/" + row.GetProperty("runIndex").GetInt32().ToString(CultureInfo.InvariantCulture);

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? mentions)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (mentions is not null)
        {
            Assert.Contains(mentions, problem.GetRawText(), StringComparison.Ordinal);
        }
    }

    internal static async Task StaggeredRunner(RunnerCall call)
    {
        var attempt = int.Parse(call.Execution.Environment[RunnerContract.AttemptVariable], CultureInfo.InvariantCulture);
        if (call.RunIndex % 7 == 3 && attempt == 1)
        {
            call.Host.Jobs.Set(call.Execution.Name, CloudRunExecutionState.Failed, "The container crashed.");
            return;
        }

        // A run's duration: up to about 1.5 s, staggered so that runs finish out of index order.
        await Task.Delay(TimeSpan.FromMilliseconds(call.RunIndex * 37 % 16 * 100));
        if (call.RunIndex % 7 == 5 && attempt == 1)
        {
            await call.FinishWithoutExitCodeAsync();
            return;
        }

        await call.FinishAsync(call.TaskId == "bad" ? 1 : 0, "done");
    }
}
