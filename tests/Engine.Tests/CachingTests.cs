using Orchestration.Durable;

namespace Orchestration.Engine.Tests;

public sealed class CachingTests
{
    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 4)]
    public async Task HotInstance_ResumesWithoutReplay_UnlessReplayEveryEpisode(bool replayEveryEpisode, int expectedStarts)
    {
        var starts = 0;
        await using var engine = await TestEngine.StartAsync(
            o => o
                .AddActivityFunc<int, int>("Inc", (_, x) => Task.FromResult(x + 1))
                .AddOrchestratorFunc<int, int>("Three", async (ctx, x) =>
                {
                    Interlocked.Increment(ref starts);
                    for (var i = 0; i < 3; i++)
                    {
                        x = await ctx.CallActivityAsync<int>("Inc", x);
                    }

                    return x;
                }),
            replayEveryEpisode: replayEveryEpisode);

        var result = await engine.RunAsync("Three", 0);

        Assert.Equal(3, result.ReadOutputAs<int>());
        Assert.Equal(expectedStarts, starts);
    }

    [Fact]
    public async Task Client_BeforeStart_CanReadAndSchedule()
    {
        var options = new EmbeddedEngineOptions { UseTemporaryFile = true };
        options.AddOrchestratorFunc<int, int>("Id", (_, x) => Task.FromResult(x));
        await using var engine = new DurableEngine(options);

        var before = await engine.Client.GetInstanceAsync("early");
        await engine.Client.ScheduleNewOrchestrationInstanceAsync("Id", 9, new StartOrchestrationOptions("early"));
        var pending = await engine.Client.GetInstanceAsync("early");
        await engine.StartAsync(CancellationToken.None);
        var done = await engine.Client.WaitForInstanceCompletionAsync("early", getInputsAndOutputs: true).WaitAsync(TestEngine.Timeout);

        Assert.Null(before);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, pending!.RuntimeStatus);
        Assert.Equal(9, done.ReadOutputAs<int>());
    }
}
