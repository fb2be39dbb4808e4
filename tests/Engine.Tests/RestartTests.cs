using Microsoft.Extensions.Time.Testing;
using Orchestration.Durable;

namespace Orchestration.Engine.Tests;

public sealed class RestartTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Timers_SurviveRestart_AndOneDueWhileDownFiresRightAfterStart()
    {
        var path = TestEngine.NewDatabasePath();
        try
        {
            await using (var before = await TestEngine.StartAsync(Register, new FakeTimeProvider(T0), path))
            {
                await before.Client.ScheduleNewOrchestrationInstanceAsync("Sleep", 1, new StartOrchestrationOptions("short"));
                await before.Client.ScheduleNewOrchestrationInstanceAsync("Sleep", 3, new StartOrchestrationOptions("long"));
                await before.UntilStatusAsync("short", "sleeping");
                await before.UntilStatusAsync("long", "sleeping");
            }

            await using var after = await TestEngine.StartAsync(Register, new FakeTimeProvider(T0.AddHours(2)), path);
            var shortTimer = await after.WaitAsync("short");
            await Task.Delay(200);
            var longBefore = await after.Client.GetInstanceAsync("long");
            after.Time.Advance(TimeSpan.FromHours(1));
            var longTimer = await after.WaitAsync("long");

            Assert.Equal(T0.AddHours(2).UtcDateTime, shortTimer.ReadOutputAs<DateTime>());
            Assert.Equal(OrchestrationRuntimeStatus.Running, longBefore!.RuntimeStatus);
            Assert.Equal(T0.AddHours(3).UtcDateTime, longTimer.ReadOutputAs<DateTime>());
        }
        finally
        {
            TestEngine.DeleteDatabase(path);
        }

        static void Register(EmbeddedEngineOptions o) => o.AddOrchestratorFunc<int, DateTime>("Sleep", async (ctx, hours) =>
        {
            ctx.SetCustomStatus("sleeping");
            await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddHours(hours), CancellationToken.None);
            return ctx.CurrentUtcDateTime;
        });
    }

    [Fact]
    public async Task Restart_RedispatchesUnacknowledgedActivities_AndResumesTheInstance()
    {
        var path = TestEngine.NewDatabasePath();
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var startedBefore = 0;
        var ranAfter = 0;
        try
        {
            var before = await TestEngine.StartAsync(o => Register(o, async x =>
            {
                Interlocked.Increment(ref startedBefore);
                return await gate.Task + x;
            }), path: path);
            var id = await before.Client.ScheduleNewOrchestrationInstanceAsync("Fan", 3);
            await TestEngine.UntilAsync(() => Task.FromResult(Volatile.Read(ref startedBefore) == 3));
            using (var shutdownTimeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
            {
                await before.Engine.StopAsync(shutdownTimeout.Token);
            }

            await before.DisposeAsync();

            await using var after = await TestEngine.StartAsync(o => Register(o, x =>
            {
                Interlocked.Increment(ref ranAfter);
                return Task.FromResult(x * 10);
            }), path: path);
            var result = await after.WaitAsync(id);

            Assert.Equal(3, ranAfter);
            Assert.Equal(30, result.ReadOutputAs<int>());
        }
        finally
        {
            gate.TrySetResult(0);
            TestEngine.DeleteDatabase(path);
        }

        static void Register(EmbeddedEngineOptions o, Func<int, Task<int>> work) => o
            .AddActivityFunc<int, int>("Work", (_, x) => work(x))
            .AddOrchestratorFunc<int, int>("Fan", async (ctx, n) =>
                (await Task.WhenAll(Enumerable.Range(0, n).Select(i => ctx.CallActivityAsync<int>("Work", i)))).Sum());
    }

    [Fact]
    public async Task Restart_CachedEngine_ColdLoadsAndReplaysHistory()
    {
        var path = TestEngine.NewDatabasePath();
        var executions = 0;
        try
        {
            string id;
            await using (var before = await TestEngine.StartAsync(Register, path: path, replayEveryEpisode: false))
            {
                id = await before.Client.ScheduleNewOrchestrationInstanceAsync("Steps", 5);
                await before.UntilStatusAsync(id, "half");
            }

            await using var after = await TestEngine.StartAsync(Register, path: path, replayEveryEpisode: false);
            await after.Client.RaiseEventAsync(id, "Next", 100);
            var result = await after.WaitAsync(id);

            Assert.Equal(((5 + 1) * 2) + 100, result.ReadOutputAs<int>());
            Assert.Equal(2, executions);
        }
        finally
        {
            TestEngine.DeleteDatabase(path);
        }

        void Register(EmbeddedEngineOptions o) => o
            .AddActivityFunc<int, int>("Inc", (_, x) =>
            {
                Interlocked.Increment(ref executions);
                return Task.FromResult(x + 1);
            })
            .AddOrchestratorFunc<int, int>("Steps", async (ctx, x) =>
            {
                var a = await ctx.CallActivityAsync<int>("Inc", x);
                ctx.SetCustomStatus("half");
                var extra = await ctx.WaitForExternalEvent<int>("Next");
                var b = await ctx.CallActivityAsync<int>("Inc", a);
                return ((b - 1) * 2) + extra;
            });
    }
}
