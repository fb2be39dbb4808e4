using Orchestration.Durable;

namespace Orchestration.Engine.Tests;

public sealed class ClientTests
{
    [Fact]
    public async Task Schedule_IdOfRunningInstance_Throws_AndOfEndedInstance_Replaces()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddOrchestratorFunc<string, string>("Wait", async (ctx, tag) => tag + ":" + await ctx.WaitForExternalEvent<string>("Go")));
        await engine.Client.ScheduleNewOrchestrationInstanceAsync("Wait", "first", new StartOrchestrationOptions("dup"));

        var whileRunning = await Assert.ThrowsAsync<InvalidOperationException>(
            () => engine.Client.ScheduleNewOrchestrationInstanceAsync("Wait", "second", new StartOrchestrationOptions("dup")));
        await engine.Client.RaiseEventAsync("dup", "Go", "a");
        var first = await engine.WaitAsync("dup");
        await engine.Client.ScheduleNewOrchestrationInstanceAsync("Wait", "third", new StartOrchestrationOptions("dup"));
        await engine.Client.RaiseEventAsync("dup", "Go", "b");
        var replaced = await engine.WaitAsync("dup");

        Assert.Contains("already exists", whileRunning.Message, StringComparison.Ordinal);
        Assert.Equal("first:a", first.ReadOutputAs<string>());
        Assert.Equal("third:b", replaced.ReadOutputAs<string>());
        Assert.Equal("third", replaced.ReadInputAs<string>());
    }

    [Fact]
    public async Task GetInstance_ReportsStatusTimesAndDataOnlyWhenAsked()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddOrchestratorFunc<int, int>("Id", (ctx, x) => Task.FromResult(x)));
        var created = engine.Time.GetUtcNow();
        await engine.RunAsync("Id", 5, "meta");

        var without = await engine.Client.GetInstanceAsync("meta");
        var with = await engine.Client.GetInstanceAsync("meta", getInputsAndOutputs: true);
        var missing = await engine.Client.GetInstanceAsync("absent");

        Assert.Equal("Id", without!.Name);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, without.RuntimeStatus);
        Assert.Equal(created, without.CreatedAt);
        Assert.True(without.LastUpdatedAt >= without.CreatedAt);
        Assert.Null(without.SerializedOutput);
        Assert.Throws<InvalidOperationException>(() => without.ReadOutputAs<int>());
        Assert.Equal("5", with!.SerializedInput);
        Assert.Equal(5, with.ReadOutputAs<int>());
        Assert.Null(missing);
    }

    [Fact]
    public async Task GetAllInstances_FiltersByPrefixStatusAndCreatedRange_AndPages()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddOrchestratorFunc<int, int>("Done", (_, x) => Task.FromResult(x))
            .AddOrchestratorFunc<int, int>("Open", (ctx, _) => ctx.WaitForExternalEvent<int>("never")));
        var t0 = engine.Time.GetUtcNow();
        for (var i = 0; i < 12; i++)
        {
            await engine.RunAsync("Done", i, $"b1:c{i:D2}");
            engine.Time.Advance(TimeSpan.FromMinutes(1));
        }

        for (var i = 0; i < 3; i++)
        {
            await engine.Client.ScheduleNewOrchestrationInstanceAsync("Open", 0, new StartOrchestrationOptions($"b1:c9{i}"));
        }

        await engine.RunAsync("Done", 0, "b10:c00");
        await engine.RunAsync("Done", 0, "b2:c00");

        var pages = new List<Page<OrchestrationMetadata>>();
        await foreach (var page in engine.Client.GetAllInstancesAsync(new OrchestrationQuery(InstanceIdPrefix: "b1:c", PageSize: 5)).AsPages())
        {
            pages.Add(page);
        }

        var running = await ToListAsync(engine.Client.GetAllInstancesAsync(new OrchestrationQuery(
            Statuses: [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending], InstanceIdPrefix: "b1:")));
        var window = await ToListAsync(engine.Client.GetAllInstancesAsync(new OrchestrationQuery(
            CreatedFrom: t0.AddMinutes(2), CreatedTo: t0.AddMinutes(4), InstanceIdPrefix: "b1:c0")));
        var resumed = await engine.Client.GetAllInstancesAsync(new OrchestrationQuery(InstanceIdPrefix: "b1:c", PageSize: 5))
            .AsPages(pages[0].ContinuationToken).FirstAsync();

        Assert.Equal([5, 5, 5], pages.Select(p => p.Values.Count));
        Assert.Null(pages[^1].ContinuationToken);
        Assert.Equal(15, pages.SelectMany(p => p.Values).Select(m => m.InstanceId).Distinct().Count());
        Assert.All(pages.SelectMany(p => p.Values), m => Assert.StartsWith("b1:c", m.InstanceId, StringComparison.Ordinal));
        Assert.Equal(["b1:c90", "b1:c91", "b1:c92"], running.Select(m => m.InstanceId));
        Assert.Equal(["b1:c02", "b1:c03", "b1:c04"], window.Select(m => m.InstanceId));
        Assert.Equal(pages[1].Values.Select(m => m.InstanceId), resumed.Values.Select(m => m.InstanceId));
    }

    [Theory]
    [InlineData(true, OrchestrationRuntimeStatus.Terminated)]
    [InlineData(false, OrchestrationRuntimeStatus.Running)]
    public async Task Terminate_RecursesIntoSubOrchestrationsOnlyWhenAsked(bool recursive, OrchestrationRuntimeStatus childStatus)
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddOrchestratorFunc<int, int>("Leaf", (ctx, _) => ctx.WaitForExternalEvent<int>("never"))
            .AddOrchestratorFunc<int, int>("Middle", (ctx, _) => ctx.CallSubOrchestratorAsync<int>("Leaf", 0, new SubOrchestrationOptions(instanceId: "t:leaf")))
            .AddOrchestratorFunc<int, int>("Top", (ctx, _) => ctx.CallSubOrchestratorAsync<int>("Middle", 0, new SubOrchestrationOptions(instanceId: "t:middle"))));
        await engine.Client.ScheduleNewOrchestrationInstanceAsync("Top", 0, new StartOrchestrationOptions("t:top"));
        await engine.Client.WaitForInstanceStartAsync("t:leaf").WaitAsync(TestEngine.Timeout);

        await engine.Client.TerminateInstanceAsync("t:top", new TerminateInstanceOptions("stopped", recursive));
        var top = await engine.WaitAsync("t:top");
        if (recursive)
        {
            await engine.WaitAsync("t:leaf");
        }
        else
        {
            await Task.Delay(200);
        }

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, top.RuntimeStatus);
        Assert.Equal("stopped", top.ReadOutputAs<string>());
        Assert.Equal(childStatus, (await engine.Client.GetInstanceAsync("t:middle"))!.RuntimeStatus);
        Assert.Equal(childStatus, (await engine.Client.GetInstanceAsync("t:leaf"))!.RuntimeStatus);
    }

    [Fact]
    public async Task Purge_Recursive_DeletesTreeAndRefusesRunningInstances()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddOrchestratorFunc<int, int>("Leaf", (_, x) => Task.FromResult(x))
            .AddOrchestratorFunc<int, int>("Open", (ctx, _) => ctx.WaitForExternalEvent<int>("never"))
            .AddOrchestratorFunc<int, int>("Root", async (ctx, _) =>
                await ctx.CallSubOrchestratorAsync<int>("Leaf", 1, new SubOrchestrationOptions(instanceId: ctx.InstanceId + ":leaf1"))
                + await ctx.CallSubOrchestratorAsync<int>("Leaf", 2, new SubOrchestrationOptions(instanceId: ctx.InstanceId + ":leaf2"))));
        await engine.RunAsync("Root", 0, "p:root");
        await engine.RunAsync("Root", 0, "q:root");
        await engine.Client.ScheduleNewOrchestrationInstanceAsync("Open", 0, new StartOrchestrationOptions("p:open"));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.Client.PurgeInstanceAsync("p:open"));
        var flat = await engine.Client.PurgeInstanceAsync("q:root");
        var tree = await engine.Client.PurgeInstanceAsync("p:root", new PurgeInstanceOptions(Recursive: true));
        var again = await engine.Client.PurgeInstanceAsync("p:root");

        Assert.Contains("only completed, failed or terminated", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, flat.PurgedInstanceCount);
        Assert.Equal(3, tree.PurgedInstanceCount);
        Assert.Equal(0, again.PurgedInstanceCount);
        Assert.Null(await engine.Client.GetInstanceAsync("p:root:leaf1"));
        Assert.Null(await engine.Client.GetInstanceAsync("p:root"));
        Assert.Empty(engine.History("p:root"));
        Assert.NotNull(await engine.Client.GetInstanceAsync("p:open"));
        Assert.NotNull(await engine.Client.GetInstanceAsync("q:root:leaf1"));
    }

    [Fact]
    public async Task RaiseEvent_UnknownInstance_IsDropped()
    {
        await using var engine = await TestEngine.StartAsync(_ => { });

        await engine.Client.RaiseEventAsync("nobody", "Ping", 1);

        Assert.Null(await engine.Client.GetInstanceAsync("nobody"));
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
