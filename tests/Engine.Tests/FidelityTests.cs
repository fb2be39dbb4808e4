using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestration.Durable;

namespace Orchestration.Engine.Tests;

public sealed class FidelityTests
{
    [Theory]
    [InlineData("X", "Y", "X")]
    [InlineData("Y", "X", "Y")]
    public async Task WhenAny_TwoCompletionsInOneBatch_ObservesHistoryOrder(string first, string second, string expected)
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddOrchestratorFunc<int, string>("Race", async (ctx, _) =>
            {
                var x = ctx.WaitForExternalEvent<int>("X");
                var y = ctx.WaitForExternalEvent<int>("Y");
                var winner = await Task.WhenAny(x, y);
                await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddMinutes(1), CancellationToken.None); // forces a replay
                return winner == x ? "X" : "Y";
            }));
        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Race", 0, new StartOrchestrationOptions(null, engine.Time.GetUtcNow().AddSeconds(1)));
        await engine.Client.RaiseEventAsync(id, first, 1);
        await engine.Client.RaiseEventAsync(id, second, 2);

        var result = await engine.AdvanceUntilDoneAsync(id, TimeSpan.FromSeconds(30));

        Assert.Equal(expected, result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task WhenAny_ActivitiesFinishingInAnyOrder_WinnerIsFirstCompletionInHistory()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddActivityFunc<int, int>("Jitter", async (_, x) =>
            {
                await Task.Delay(Random.Shared.Next(0, 15));
                return x;
            })
            .AddOrchestratorFunc<int, int>("Race", async (ctx, _) =>
            {
                var a = ctx.CallActivityAsync<int>("Jitter", 0);
                var b = ctx.CallActivityAsync<int>("Jitter", 1);
                var winner = await Task.WhenAny(a, b);
                await Task.WhenAll(a, b);
                return await winner;
            }));

        for (var i = 0; i < 8; i++)
        {
            var result = await engine.RunAsync("Race", 0, $"race-{i}");

            var firstCompletion = engine.History($"race-{i}").First(h => h.Kind == (int)HistoryEventKind.TaskCompleted);
            Assert.Equal(firstCompletion.TaskId, result.ReadOutputAs<int>());
        }
    }

    [Fact]
    public async Task CurrentUtcDateTime_ComesFromHistory_NotTheClock()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddOrchestratorFunc<int, DateTime[]>("Clock", async (ctx, _) =>
            {
                var start = ctx.CurrentUtcDateTime;
                await ctx.CreateTimer(start.AddMinutes(10), CancellationToken.None);
                var afterTimer = ctx.CurrentUtcDateTime;
                await ctx.CreateTimer(afterTimer.AddMinutes(10), CancellationToken.None);
                return [start, afterTimer, ctx.CurrentUtcDateTime];
            }));
        var t0 = engine.Time.GetUtcNow().UtcDateTime;
        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Clock", 0);
        await TestEngine.UntilAsync(async () => engine.History(id).Count > 0);

        await TestEngine.UntilAsync(async () => engine.History(id).Any(h => h.Kind == (int)HistoryEventKind.TimerCreated));
        engine.Time.Advance(TimeSpan.FromMinutes(10));
        await TestEngine.UntilAsync(async () => engine.History(id).Count(h => h.Kind == (int)HistoryEventKind.TimerCreated) == 2);
        engine.Time.Advance(TimeSpan.FromMinutes(10));
        var result = await engine.WaitAsync(id);

        // Every episode replays from history (ReplayEveryEpisode): a clock-based value would move.
        Assert.Equal([t0, t0.AddMinutes(10), t0.AddMinutes(20)], result.ReadOutputAs<DateTime[]>()!);
    }

    [Fact]
    public async Task NewGuid_IsDeterministicAcrossReplaysAndRuns()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddActivityFunc<int, int>("Noop", (_, x) => Task.FromResult(x))
            .AddOrchestratorFunc<int, Guid[]>("Ids", async (ctx, _) =>
            {
                var first = ctx.NewGuid();
                var echoed = await ctx.CallActivityAsync<Guid>("Echo", first);
                return [first, echoed, ctx.NewGuid()];
            })
            .AddActivityFunc<Guid, Guid>("Echo", (_, g) => Task.FromResult(g)));

        var a = (await engine.RunAsync("Ids", 0, "guids")).ReadOutputAs<Guid[]>()!;
        var b = (await engine.RunAsync("Ids", 0, "guids")).ReadOutputAs<Guid[]>()!;

        Assert.Equal(a[0], a[1]);
        Assert.NotEqual(a[0], a[2]);
        Assert.Equal(a, b);
        Assert.Equal(5, a[0].Version);
    }

    [Fact]
    public async Task Payloads_CrossJsonWithTheInjectedOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        var mutatedInActivity = new List<string>();
        await using var engine = await TestEngine.StartAsync(o =>
        {
            o.SerializerOptions = options;
            o.AddActivityFunc<Bag, Bag>("Mutate", (_, bag) =>
            {
                bag.Items.Add("from-activity");
                mutatedInActivity.AddRange(bag.Items);
                return Task.FromResult(bag);
            })
            .AddOrchestratorFunc<Bag, Bag>("Carry", async (ctx, bag) =>
            {
                ctx.SetCustomStatus(new Bag { SomeValue = "status" });
                var returned = await ctx.CallActivityAsync<Bag>("Mutate", bag);
                return new Bag { SomeValue = $"{bag.Items.Count}/{returned.Items.Count}", Secret = "not serialized" };
            });
        });

        var result = await engine.RunAsync("Carry", new Bag { SomeValue = "in", Items = ["x"] });

        Assert.Contains("\"some_value\":\"1/2\"", result.SerializedOutput, StringComparison.Ordinal);
        Assert.Contains("\"some_value\":\"status\"", result.SerializedCustomStatus, StringComparison.Ordinal);
        Assert.Contains("\"some_value\":\"in\"", result.SerializedInput, StringComparison.Ordinal);
        Assert.Null(result.ReadOutputAs<Bag>()!.Secret);
        Assert.Equal(["x", "from-activity"], mutatedInActivity);
        Assert.Same(options, ((JsonDataConverter)engine.Engine.DataConverter).Options);
    }

    [Fact]
    public async Task CustomStatus_WithinLimit_IsReadable()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddOrchestratorFunc<int, int>("Status", (ctx, n) =>
            {
                ctx.SetCustomStatus(new string('a', n));
                return Task.FromResult(n);
            }));

        var result = await engine.RunAsync("Status", OrchestrationExecutor.MaxCustomStatusLength - 2);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(OrchestrationExecutor.MaxCustomStatusLength - 2, result.ReadCustomStatusAs<string>()!.Length);
    }

    [Fact]
    public async Task CustomStatus_Over16KBOfUtf16_FailsTheOrchestration()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddOrchestratorFunc<int, int>("Status", (ctx, n) =>
            {
                ctx.SetCustomStatus(new string('a', n));
                return Task.FromResult(n);
            }));

        var result = await engine.RunAsync("Status", 8_200);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("16 KB", result.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActivityFailure_DetailsRoundTripWithStackAndInner()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddActivityFunc<int, int>("Throw", (_, _) => throw new InvalidOperationException("outer", new TimeoutException("inner")))
            .AddOrchestratorFunc<int, TaskFailureDetails>("Catch", async (ctx, _) =>
            {
                try
                {
                    await ctx.CallActivityAsync<int>("Throw", 0);
                    throw new InvalidOperationException("unreachable");
                }
                catch (TaskFailedException ex)
                {
                    return ex.FailureDetails;
                }
            }));

        var details = (await engine.RunAsync("Catch", 0)).ReadOutputAs<TaskFailureDetails>()!;

        Assert.Equal("System.InvalidOperationException", details.ErrorType);
        Assert.Equal("outer", details.ErrorMessage);
        Assert.Contains("FidelityTests", details.StackTrace, StringComparison.Ordinal);
        Assert.Equal("System.TimeoutException", details.InnerFailure!.ErrorType);
        Assert.True(details.IsCausedBy<InvalidOperationException>());
        Assert.True(details.IsCausedBy<SystemException>());
        Assert.False(details.IsCausedBy<ArgumentException>());
    }

    [Fact]
    public async Task UnknownActivityOrOrchestrator_Fails()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddOrchestratorFunc<int, int>("CallsMissing", (ctx, _) => ctx.CallActivityAsync<int>("Missing", 0)));

        var missingActivity = await engine.RunAsync("CallsMissing", 0);
        var missingOrchestrator = await engine.RunAsync("NoSuchOrchestrator", 0);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, missingActivity.RuntimeStatus);
        Assert.Contains("Missing", missingActivity.FailureDetails!.InnerFailure!.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, missingOrchestrator.RuntimeStatus);
        Assert.Contains("NoSuchOrchestrator", missingOrchestrator.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
    }

    public sealed class Bag
    {
        public string SomeValue { get; set; } = "";

        public List<string> Items { get; set; } = [];

        [JsonIgnore]
        public string? Secret { get; set; }
    }
}
