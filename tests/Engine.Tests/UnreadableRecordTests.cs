using Microsoft.Data.Sqlite;
using Orchestration.Durable;

namespace Orchestration.Engine.Tests;

public sealed class UnreadableRecordTests
{
    // A task failure whose stored details cannot be read (a damaged file, a record of another version) fails that
    // task with a reason saying so; it must not fail every round of the engine and stall every other instance.
    [Fact]
    public async Task TaskFailedWithUnreadableDetails_FailsTheTaskWithAReason_AndOtherInstancesGoOn()
    {
        // Arrange
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var engine = await TestEngine.StartAsync(o => o
            .AddActivityFunc<int, int>("Hold", async (_, _) =>
            {
                running.TrySetResult();
                return await release.Task;
            })
            .AddActivityFunc<int, int>("Double", (_, x) => Task.FromResult(2 * x))
            .AddOrchestratorFunc<int, string>("Caller", async (ctx, _) =>
            {
                try
                {
                    await ctx.CallActivityAsync<int>("Hold", 0);
                    return "completed";
                }
                catch (TaskFailedException ex)
                {
                    return ex.FailureDetails.ErrorType + ": " + ex.FailureDetails.ErrorMessage;
                }
            })
            .AddOrchestratorFunc<int, int>("Plain", (ctx, x) => ctx.CallActivityAsync<int>("Double", x)));
        var caller = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Caller", 0);
        await running.Task.WaitAsync(TestEngine.Timeout);
        var scheduled = Assert.Single(engine.History(caller), e => e.Kind == 3);
        using (var connection = new SqliteConnection($"Data Source={engine.Engine.DatabasePath}"))
        {
            connection.Open();
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO inbox(instance_id, execution_id, kind, task_id, name, data, extra, visible_at) VALUES($id, NULL, 5, $task, 'Hold', 'not json {', NULL, 0)";
            insert.Parameters.AddWithValue("$id", caller);
            insert.Parameters.AddWithValue("$task", scheduled.TaskId);
            insert.ExecuteNonQuery();
        }

        // Act: another instance's start wakes the engine for a round that takes both.
        OrchestrationMetadata plain, called;
        try
        {
            plain = await engine.RunAsync("Plain", 21);
            called = await engine.WaitAsync(caller);
        }
        finally
        {
            // The held activity ends either way, so the engine can stop.
            release.TrySetResult(1);
        }

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, plain.RuntimeStatus);
        Assert.Equal(42, plain.ReadOutputAs<int>());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, called.RuntimeStatus);
        var output = called.ReadOutputAs<string>()!;
        Assert.StartsWith("Unknown: ", output, StringComparison.Ordinal);
        Assert.Contains("could not be read", output, StringComparison.Ordinal);
    }
}
