using Orchestration.Durable;

namespace Orchestration.Engine.Tests;

public sealed class DeterminismTests
{
    [Fact]
    public async Task OrchestratorChangedBetweenRuns_FailsWithNonDeterminismNamingBothActions()
    {
        var path = TestEngine.NewDatabasePath();
        try
        {
            string id;
            await using (var v1 = await TestEngine.StartAsync(o => Register(o, "StepA"), path: path))
            {
                id = await v1.Client.ScheduleNewOrchestrationInstanceAsync("Flow", 0);
                await v1.UntilStatusAsync(id, "waiting");
            }

            await using var v2 = await TestEngine.StartAsync(o => Register(o, "StepB"), path: path);
            await v2.Client.RaiseEventAsync(id, "Continue", 1);
            var result = await v2.WaitAsync(id);

            Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
            Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, result.FailureDetails!.ErrorType);
            Assert.Contains("CallActivity 'StepA'", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
            Assert.Contains("CallActivity 'StepB'", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
            Assert.Contains("sequence 0", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
        }
        finally
        {
            TestEngine.DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task NondeterministicOrchestrator_FailsWhenEveryEpisodeReplays()
    {
        var calls = 0;
        await using var engine = await TestEngine.StartAsync(o => o
            .AddActivityFunc<int, int>("Even", (_, x) => Task.FromResult(x))
            .AddActivityFunc<int, int>("Odd", (_, x) => Task.FromResult(x))
            .AddOrchestratorFunc<int, int>("Flaky", async (ctx, _) =>
            {
                // Wrong on purpose: state outside the context changes between replays.
                var name = Interlocked.Increment(ref calls) % 2 == 0 ? "Even" : "Odd";
                await ctx.CallActivityAsync<int>(name, 1);
                return await ctx.CallActivityAsync<int>("Even", 2);
            }));

        var result = await engine.RunAsync("Flaky", 0);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, result.FailureDetails!.ErrorType);
    }

    [Fact]
    public async Task DeterministicOrchestrator_ReplayedEveryEpisode_Completes()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddActivityFunc<int, int>("Double", (_, x) => Task.FromResult(x * 2))
            .AddOrchestratorFunc<int, int>("Chain", async (ctx, x) =>
            {
                for (var i = 0; i < 10; i++)
                {
                    x = await ctx.CallActivityAsync<int>("Double", x);
                }

                return x;
            }));

        var result = await engine.RunAsync("Chain", 1);

        Assert.Equal(1024, result.ReadOutputAs<int>());
    }

    [Fact]
    public async Task AwaitingNonDurableTask_FailsTheInstanceAtItsNextEpisode()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddOrchestratorFunc<int, int>("Sleepy", async (ctx, _) =>
            {
                var signal = ctx.WaitForExternalEvent<int>("Poke");
                await Task.Delay(10); // wrong on purpose: wall-clock wait outside the context
                return await signal;
            }));
        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Sleepy", 0);
        await TestEngine.UntilAsync(async () => engine.History(id).Count > 0);
        await Task.Delay(100);

        await engine.Client.RaiseEventAsync(id, "Poke", 1);
        var result = await engine.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("did not create", result.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
    }

    private static void Register(EmbeddedEngineOptions options, string step) => options
        .AddActivityFunc<int, int>("StepA", (_, x) => Task.FromResult(x))
        .AddActivityFunc<int, int>("StepB", (_, x) => Task.FromResult(x))
        .AddOrchestratorFunc<int, int>("Flow", async (ctx, _) =>
        {
            var value = await ctx.CallActivityAsync<int>(step, 1);
            ctx.SetCustomStatus("waiting");
            return value + await ctx.WaitForExternalEvent<int>("Continue");
        });
}
