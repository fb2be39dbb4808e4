using Orchestration.Durable;

namespace Orchestration.Engine.Tests;

public sealed class OrchestrationTests
{
    [Fact]
    public async Task FanOutFanIn_HundredActivities_SumsEveryResult()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddActivityFunc<int, int>("Square", (_, x) => Task.FromResult(x * x))
            .AddOrchestratorFunc<int, int>("FanOut", async (ctx, n) =>
            {
                var tasks = Enumerable.Range(1, n).Select(i => ctx.CallActivityAsync<int>("Square", i));
                return (await Task.WhenAll(tasks)).Sum();
            }));

        var result = await engine.RunAsync("FanOut", 100);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(Enumerable.Range(1, 100).Sum(i => i * i), result.ReadOutputAs<int>());
    }

    [Fact]
    public async Task CallSubOrchestrator_WithInstanceId_ReturnsChildOutputAndRecordsParent()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddActivityFunc<string, string>("Upper", (_, s) => Task.FromResult(s.ToUpperInvariant()))
            .AddOrchestratorFunc<string, string>("Child", (ctx, s) => ctx.CallActivityAsync<string>("Upper", s))
            .AddOrchestratorFunc<string, string>("Parent", async (ctx, s) =>
            {
                var a = ctx.CallSubOrchestratorAsync<string>("Child", s + "-a", new SubOrchestrationOptions(instanceId: "parent:child-a"));
                var b = ctx.CallSubOrchestratorAsync<string>("Child", s + "-b", new TaskOptions().WithInstanceId("parent:child-b"));
                return string.Join(",", await Task.WhenAll(a, b));
            }));

        var result = await engine.RunAsync("Parent", "x", "parent");

        Assert.Equal("X-A,X-B", result.ReadOutputAs<string>());
        var child = await engine.Client.GetInstanceAsync("parent:child-a", getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, child!.RuntimeStatus);
        Assert.Equal("X-A", child.ReadOutputAs<string>());
    }

    [Fact]
    public async Task SubOrchestration_Failing_SurfacesTaskFailedExceptionWithDetails()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddOrchestratorFunc<int, int>("Bad", (_, _) => throw new InvalidOperationException("child broke"))
            .AddOrchestratorFunc<int, string>("Parent", async (ctx, _) =>
            {
                try
                {
                    await ctx.CallSubOrchestratorAsync<int>("Bad", 1);
                    return "no failure";
                }
                catch (TaskFailedException ex)
                {
                    return $"{ex.TaskName}|{ex.FailureDetails.ErrorType}|{ex.FailureDetails.ErrorMessage}";
                }
            }));

        var result = await engine.RunAsync("Parent", 0);

        Assert.Equal("Bad|System.InvalidOperationException|child broke", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task CreateTimer_FiresAtItsTimeAndNotBefore()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddOrchestratorFunc<int, DateTime>("Sleeper", async (ctx, _) =>
            {
                ctx.SetCustomStatus("sleeping");
                await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddHours(1), CancellationToken.None);
                return ctx.CurrentUtcDateTime;
            }));
        var start = engine.Time.GetUtcNow().UtcDateTime;
        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Sleeper", 0);
        await engine.UntilStatusAsync(id, "sleeping");

        engine.Time.Advance(TimeSpan.FromMinutes(59));
        await Task.Delay(200);
        var early = await engine.Client.GetInstanceAsync(id);
        engine.Time.Advance(TimeSpan.FromMinutes(1));
        var done = await engine.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Running, early!.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(start.AddHours(1), done.ReadOutputAs<DateTime>());
    }

    [Fact]
    public async Task CreateTimer_Cancelled_DoesNotKeepInstanceRunning()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddActivityFunc<int, int>("Echo", (_, x) => Task.FromResult(x))
            .AddOrchestratorFunc<int, string>("Race", async (ctx, _) =>
            {
                using var cts = new CancellationTokenSource();
                var timer = ctx.CreateTimer(ctx.CurrentUtcDateTime.AddDays(1), cts.Token);
                var work = ctx.CallActivityAsync<int>("Echo", 7);
                var winner = await Task.WhenAny(timer, work);
                cts.Cancel(); // synchronous: orchestrator code stays on the orchestration thread
                return winner == work ? "work" : "timer";
            }));

        var result = await engine.RunAsync("Race", 0);

        Assert.Equal("work", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task WaitForExternalEvent_EventsRaisedEarly_AreBufferedAndDeliveredInArrivalOrder()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddOrchestratorFunc<int, string>("Listener", async (ctx, _) =>
            {
                await ctx.WaitForExternalEvent<string>("Go");
                var first = await ctx.WaitForExternalEvent<int>("Item");
                var second = await ctx.WaitForExternalEvent<int>("item");
                var other = await ctx.WaitForExternalEvent<int>("Other");
                return $"{first},{second},{other}";
            }));
        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Listener", 0);

        await engine.Client.RaiseEventAsync(id, "Item", 1);
        await engine.Client.RaiseEventAsync(id, "Other", 3);
        await engine.Client.RaiseEventAsync(id, "ITEM", 2);
        await engine.Client.RaiseEventAsync(id, "Go", "now");
        var result = await engine.WaitAsync(id);

        Assert.Equal("1,2,3", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task WaitForExternalEvent_CancelledWaiter_DoesNotSwallowLaterEvent()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddOrchestratorFunc<int, string>("Waiter", async (ctx, _) =>
            {
                try
                {
                    await ctx.WaitForExternalEvent<string>("Signal", TimeSpan.FromMinutes(1));
                    return "early";
                }
                catch (TaskCanceledException)
                {
                    ctx.SetCustomStatus("timed-out");
                }

                return await ctx.WaitForExternalEvent<string>("Signal");
            }));
        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", 0);
        await TestEngine.UntilAsync(async () => engine.History(id).Count > 0);

        engine.Time.Advance(TimeSpan.FromMinutes(2));
        await engine.UntilStatusAsync(id, "timed-out");
        await engine.Client.RaiseEventAsync(id, "Signal", "late");
        var result = await engine.WaitAsync(id);

        Assert.Equal("late", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task SendEvent_BetweenInstances_DeliversPayload()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddOrchestratorFunc<int, string>("Receiver", (ctx, _) => ctx.WaitForExternalEvent<string>("Ping"))
            .AddOrchestratorFunc<string, bool>("Sender", (ctx, target) =>
            {
                ctx.SendEvent(target, "Ping", "hello from " + ctx.InstanceId);
                ctx.SendEvent("no-such-instance", "Ping", "dropped");
                return Task.FromResult(true);
            }));
        var receiver = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Receiver", 0, new StartOrchestrationOptions("receiver"));

        await engine.RunAsync("Sender", receiver, "sender");
        var result = await engine.WaitAsync(receiver);

        Assert.Equal("hello from sender", result.ReadOutputAs<string>());
        Assert.Null(await engine.Client.GetInstanceAsync("no-such-instance"));
    }

    [Theory]
    [InlineData(true, "e1+e2")]
    [InlineData(false, "lost")]
    public async Task ContinueAsNew_UnprocessedEvents_AreCarriedOnlyWhenPreserved(bool preserve, string expected)
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddOrchestratorFunc<int, string>("Looper", async (ctx, generation) =>
            {
                if (generation == 0)
                {
                    await ctx.WaitForExternalEvent<string>("Go");
                    ctx.ContinueAsNew(1, preserve);
                    return "continued";
                }

                try
                {
                    var a = await ctx.WaitForExternalEvent<string>("E", TimeSpan.FromMinutes(5));
                    var b = await ctx.WaitForExternalEvent<string>("E", TimeSpan.FromMinutes(5));
                    return $"{a}+{b}";
                }
                catch (TaskCanceledException)
                {
                    return "lost";
                }
            }));
        var startAt = engine.Time.GetUtcNow().AddMinutes(1);
        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Looper", 0, new StartOrchestrationOptions(null, startAt));

        // All three arrive before the start, so they reach the first execution in one batch: the E events are
        // buffered, unprocessed, and then Go makes it continue as new. (Events that come after the ContinueAsNew are
        // carried whatever the flag, as in Durable Task: FidelityTests.)
        await engine.Client.RaiseEventAsync(id, "E", "e1");
        await engine.Client.RaiseEventAsync(id, "E", "e2");
        await engine.Client.RaiseEventAsync(id, "Go", "go");
        var result = await engine.AdvanceUntilDoneAsync(id, TimeSpan.FromMinutes(1));

        Assert.Equal(expected, result.ReadOutputAs<string>());
        Assert.Equal(1, result.ReadInputAs<int>());
    }

    [Fact]
    public async Task SubOrchestration_ThatContinuesAsNew_StillCompletesParentCall()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddActivityFunc<int, int>("Inc", (_, x) => Task.FromResult(x + 1))
            .AddOrchestratorFunc<int, int>("Counter", async (ctx, n) =>
            {
                var next = await ctx.CallActivityAsync<int>("Inc", n);
                if (next < 4)
                {
                    ctx.ContinueAsNew(next);
                    return -1;
                }

                return next * 10;
            })
            .AddOrchestratorFunc<int, int>("Parent", (ctx, n) => ctx.CallSubOrchestratorAsync<int>("Counter", n, new SubOrchestrationOptions(instanceId: "counter"))));

        var result = await engine.RunAsync("Parent", 0);

        Assert.Equal(40, result.ReadOutputAs<int>());
        var child = await engine.Client.GetInstanceAsync("counter", getInputsAndOutputs: true);
        Assert.Equal(3, child!.ReadInputAs<int>());
    }

    [Fact]
    public async Task Retry_TransientFailures_RetriesWithDurableTimersAndPredicateSeesRealDetails()
    {
        var attempts = 0;
        var seen = new List<TaskFailureDetails>();
        await using var engine = await TestEngine.StartAsync(o => o
            .AddActivityFunc<int, string>("Flaky", (_, _) =>
                ++attempts < 3 ? throw new InvalidOperationException($"transient {attempts}") : Task.FromResult("ok"))
            .AddOrchestratorFunc<int, string>("Retrier", (ctx, _) =>
            {
                var policy = new RetryPolicy(5, TimeSpan.FromSeconds(10), backoffCoefficient: 2)
                {
                    HandleFailure = d =>
                    {
                        if (!ctx.IsReplaying)
                        {
                            seen.Add(d);
                        }

                        return d.IsCausedBy<InvalidOperationException>();
                    },
                };
                return ctx.CallActivityAsync<string>("Flaky", 0, new TaskOptions(policy));
            }));
        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Retrier", 0);

        var result = await engine.AdvanceUntilDoneAsync(id, TimeSpan.FromSeconds(5));

        Assert.Equal("ok", result.ReadOutputAs<string>());
        Assert.Equal(3, attempts);
        Assert.Equal(["transient 1", "transient 2"], seen.Select(d => d.ErrorMessage));
        Assert.All(seen, d => Assert.Equal("System.InvalidOperationException", d.ErrorType));
        Assert.All(seen, d => Assert.False(string.IsNullOrEmpty(d.StackTrace)));
        var history = engine.History(id);
        Assert.Equal(2, history.Count(h => h.Kind == (int)HistoryEventKind.TimerCreated));
        Assert.Equal(2, history.Count(h => h.Kind == (int)HistoryEventKind.TimerFired));
        Assert.Equal(3, history.Count(h => h.Kind == (int)HistoryEventKind.TaskScheduled));
    }

    [Fact]
    public async Task Retry_PredicateRejects_FailsAtOnceWithOriginalFailureAsInner()
    {
        var attempts = 0;
        await using var engine = await TestEngine.StartAsync(o => o
            .AddActivityFunc<int, string>("Broken", (_, _) =>
            {
                attempts++;
                throw new ArgumentException("permanent", new FormatException("bad input"));
            })
            .AddOrchestratorFunc<int, string>("Retrier", (ctx, _) =>
                ctx.CallActivityAsync<string>("Broken", 0, new TaskOptions(new RetryPolicy(5, TimeSpan.FromSeconds(1))
                {
                    HandleFailure = d => !d.IsCausedBy<ArgumentException>(),
                }))));

        var result = await engine.RunAsync("Retrier", 0);

        Assert.Equal(1, attempts);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(typeof(TaskFailedException).FullName, result.FailureDetails!.ErrorType);
        var inner = result.FailureDetails.InnerFailure!;
        Assert.Equal("System.ArgumentException", inner.ErrorType);
        Assert.Equal("permanent", inner.ErrorMessage);
        Assert.Equal("System.FormatException", inner.InnerFailure!.ErrorType);
    }

    [Fact]
    public async Task NullInput_ForValueTypeInput_ArrivesAsDefault()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddActivityFunc<int, int>("Plus", (_, x) => Task.FromResult(x + 1))
            .AddOrchestratorFunc<int, int>("Plus1", (ctx, _) => ctx.CallActivityAsync<int>("Plus", input: null)));

        var result = await engine.RunAsync("Plus1");

        Assert.Equal(1, result.ReadOutputAs<int>());
    }

    [Fact]
    public async Task Activities_RunWithBoundedConcurrency()
    {
        var running = 0;
        var peak = 0;
        await using var engine = await TestEngine.StartAsync(o =>
        {
            o.MaxConcurrentActivities = 3;
            o.AddActivityFunc<int, int>("Slow", async (_, x) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref peak, now);
                await Task.Delay(20);
                Interlocked.Decrement(ref running);
                return x;
            })
            .AddOrchestratorFunc<int, int>("Many", async (ctx, n) =>
                (await Task.WhenAll(Enumerable.Range(0, n).Select(i => ctx.CallActivityAsync<int>("Slow", i)))).Sum());
        });

        var result = await engine.RunAsync("Many", 30);

        Assert.Equal(Enumerable.Range(0, 30).Sum(), result.ReadOutputAs<int>());
        Assert.InRange(peak, 2, 3);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
