using Microsoft.Data.Sqlite;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Stores;

namespace Orchestration.Workflows.Tests;

public sealed class ScaleAndRaceTests
{
    [Fact]
    public async Task Batch_TwoThousandRuns_CompletesWithEveryRunCountedOnce()
    {
        await using var h = await WorkflowHarness.StartAsync();
        var id = await h.SubmitAsync("""{"id": "big", "maxParallelRuns": 1000, "tasks": [{"id": "a", "n": 1000, "command": "x"}, {"id": "b", "n": 1000, "command": "y"}]}""");

        var summary = (await h.WaitAsync(id, 300)).ReadOutputAs<BatchSummary>()!;
        var rows = 0;
        string? token = null;
        do
        {
            var page = await h.Results.QueryRunsAsync(new RunQuery(id, PageSize: 1000, ContinuationToken: token));
            rows += page.Items.Count;
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(2000, summary.Passed);
        Assert.Equal(2000, rows);
        Assert.Equal(2000, h.CloudRun.Starts);
    }

    [Fact]
    public async Task Run_PolledTwoThousandTimes_KeepsABoundedHistory()
    {
        var settings = WorkflowHarness.FastSettings with
        {
            Polling = WorkflowHarness.FastSettings.Polling with
            {
                FirstDelay = TimeSpan.FromMilliseconds(1),
                MaxDelay = TimeSpan.FromMilliseconds(1),
                JitterFraction = 0,
                ExecutionCheckEvery = 2,
                PollsPerEpisode = 20,
                StartGrace = TimeSpan.FromMinutes(5),
            },
        };
        WorkflowHarness? harness = null;
        var maxHistory = 0;
        await using var h = harness = await WorkflowHarness.StartAsync(async call =>
        {
            await call.ClaimAsync();
            while (harness!.CloudRun.Gets < 1000)
            {
                maxHistory = Math.Max(maxHistory, await HistoryRowsAsync(harness.EngineDatabase, "long:t0:r0"));
                await Task.Delay(20);
            }

            await call.PassAsync();
        });
        var id = await h.SubmitAsync("""{"id": "long", "tasks": [{"id": "t", "command": "x", "timeoutSeconds": 3600}]}""", settings);

        var summary = (await h.WaitAsync(id, 300)).ReadOutputAs<BatchSummary>()!;

        Assert.Equal(1, summary.Passed);
        Assert.True(h.CloudRun.Gets >= 1000, $"{h.CloudRun.Gets} execution reads, so about {2 * h.CloudRun.Gets} polls");
        Assert.InRange(maxHistory, 1, 200);
    }

    private static async Task<int> HistoryRowsAsync(string database, string instanceId)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM history WHERE instance_id = $id";
        command.Parameters.AddWithValue("$id", instanceId);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
