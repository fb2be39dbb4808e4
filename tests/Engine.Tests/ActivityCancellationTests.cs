using Orchestration.Durable;

namespace Orchestration.Engine.Tests;

public sealed class ActivityCancellationTests
{
    [Fact]
    public async Task StopAsync_RunningActivity_SeesCancellationAndRunsAgainAfterRestart()
    {
        // Arrange: an activity that only ends when its token fires.
        var path = TestEngine.NewDatabasePath();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ranAfter = 0;
        try
        {
            var before = await TestEngine.StartAsync(o => Register(o, async (context, x) =>
            {
                started.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    cancelled.TrySetResult();
                    throw;
                }

                return x;
            }), path: path);
            var id = await before.Client.ScheduleNewOrchestrationInstanceAsync("One", 7);
            await started.Task.WaitAsync(TestEngine.Timeout);

            // Act: a stop with no deadline returns only because the activity honours its token.
            await before.Engine.StopAsync(CancellationToken.None).WaitAsync(TestEngine.Timeout);
            await before.DisposeAsync();
            await using var after = await TestEngine.StartAsync(o => Register(o, (_, x) =>
            {
                Interlocked.Increment(ref ranAfter);
                return Task.FromResult(x * 10);
            }), path: path);
            var result = await after.WaitAsync(id);

            // Assert: cancelled, not recorded as a failure, and run again after the restart.
            Assert.True(cancelled.Task.IsCompletedSuccessfully);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
            Assert.Equal(70, result.ReadOutputAs<int>());
            Assert.Equal(1, ranAfter);
        }
        finally
        {
            TestEngine.DeleteDatabase(path);
        }

        static void Register(EmbeddedEngineOptions o, Func<TaskActivityContext, int, Task<int>> work) => o
            .AddActivityFunc<int, int>("Work", work)
            .AddOrchestratorFunc<int, int>("One", (ctx, x) => ctx.CallActivityAsync<int>("Work", x));
    }
}
