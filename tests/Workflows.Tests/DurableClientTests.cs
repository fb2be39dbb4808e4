using Orchestration.Activities.Contracts;
using Orchestration.Durable;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

/// <summary>The seam's client as the batch service uses it, the same on every engine: waits, queries by status,
/// instance-id prefix and creation time, pages with continuation tokens, purges of one instance and of a tree.
/// Three batches: qa-1 and qa-2 complete, qb-1 stays running (its runner holds) until the test lets it go.</summary>
public sealed class DurableClientTests
{
    private static readonly string[] Qa = ["qa-1", "qa-1:c0", "qa-1:t0:r0", "qa-2", "qa-2:c0", "qa-2:t0:r0"];
    private static readonly string[] Qb = ["qb-1", "qb-1:c0", "qb-1:t0:r0"];

    [Theory]
    [Engines]
    public async Task Wait_StartThenCompletion_RunningUntilReleasedThenCompletedWithOutput(EngineKind engine)
    {
        var hold = new TaskCompletionSource();
        await using var h = await StartAsync(engine, hold);
        await h.SubmitAsync("""{"id": "qb-1", "tasks": [{"id": "held", "command": "x", "timeoutSeconds": 600}]}""");

        var started = await h.Client.WaitForInstanceStartAsync("qb-1").WaitAsync(TimeSpan.FromSeconds(30));
        await WaitUntilAsync(() => h.CloudRun.Starts == 1);
        using var shortly = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        // The runner holds, so this wait can only end by its cancellation.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Client.WaitForInstanceCompletionAsync("qb-1", cancellation: shortly.Token));
        hold.SetResult();
        var done = await h.Client.WaitForInstanceCompletionAsync("qb-1", getInputsAndOutputs: true).WaitAsync(TimeSpan.FromSeconds(60));
        var bare = (await h.Client.GetInstanceAsync("qb-1"))!;

        Assert.Equal((nameof(BatchOrchestrator), OrchestrationRuntimeStatus.Running), (started.Name, started.RuntimeStatus));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.True(done.IsCompleted);
        Assert.Equal(1, done.ReadOutputAs<BatchSummary>()!.Passed);
        Assert.Equal("qb-1", done.ReadInputAs<BatchInput>()!.BatchId);
        Assert.InRange(done.LastUpdatedAt, done.CreatedAt, h.Time.GetUtcNow().AddMinutes(1));
        Assert.Equal((null, null), (bare.SerializedInput, bare.SerializedOutput));
        Assert.Null(await h.Client.GetInstanceAsync("nope"));
    }

    [Theory]
    [Engines]
    public async Task Query_StatusPrefixTimeAndPages_SameInstancesOnEveryEngine(EngineKind engine)
    {
        var hold = new TaskCompletionSource();
        await using var h = await StartAsync(engine, hold);
        await SubmitThreeAsync(h);

        var all = await ListAsync(h, new OrchestrationQuery());
        var qa = await ListAsync(h, new OrchestrationQuery(InstanceIdPrefix: "qa-"));
        var running = await ListAsync(h, new OrchestrationQuery(Statuses: [OrchestrationRuntimeStatus.Running]));
        var none = await ListAsync(h, new OrchestrationQuery(Statuses: [OrchestrationRuntimeStatus.Completed], InstanceIdPrefix: "qb-"));
        var future = await ListAsync(h, new OrchestrationQuery(CreatedFrom: h.Time.GetUtcNow().AddHours(1)));
        var withData = await ListAsync(h, new OrchestrationQuery(InstanceIdPrefix: "qa-1", FetchInputsAndOutputs: true));
        var pages = new List<Page<OrchestrationMetadata>>();
        await foreach (var page in h.Client.GetAllInstancesAsync(new OrchestrationQuery(InstanceIdPrefix: "qa-", PageSize: 4)).AsPages())
        {
            pages.Add(page);
        }

        var resumed = new List<OrchestrationMetadata>();
        await foreach (var page in h.Client.GetAllInstancesAsync(new OrchestrationQuery(InstanceIdPrefix: "qa-", PageSize: 4)).AsPages(pages[0].ContinuationToken))
        {
            resumed.AddRange(page.Values);
        }

        hold.SetResult();
        await h.WaitAsync("qb-1");

        Assert.Equal([.. Qa, .. Qb], Ids(all));
        Assert.Equal(Qa, Ids(qa));
        Assert.All(qa, m => Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus));
        Assert.Equal(Qb, Ids(running));
        Assert.Empty(none);
        Assert.Empty(future);
        Assert.Equal([nameof(BatchOrchestrator), nameof(ChunkOrchestrator), nameof(RunOrchestrator)], withData.OrderBy(m => m.InstanceId, StringComparer.Ordinal).Select(m => m.Name));
        Assert.Equal(1, withData.Single(m => m.InstanceId == "qa-1").ReadOutputAs<BatchSummary>()!.Passed);
        Assert.All(qa, m => Assert.Null(m.SerializedOutput));
        Assert.Equal([4, 2], pages.Select(p => p.Values.Count));
        Assert.NotNull(pages[0].ContinuationToken);
        Assert.Null(pages[^1].ContinuationToken);
        Assert.Equal(Qa, Ids([.. pages.SelectMany(p => p.Values)]));
        Assert.Equal(Qa, Ids([.. pages[0].Values, .. resumed]));
    }

    [Theory]
    [Engines]
    public async Task Purge_RunningOneAndTree_SameCountsOnEveryEngine(EngineKind engine)
    {
        var hold = new TaskCompletionSource();
        await using var h = await StartAsync(engine, hold);
        await SubmitThreeAsync(h);

        var running = await Record.ExceptionAsync(() => h.Client.PurgeInstanceAsync("qb-1"));
        var unknown = await h.Client.PurgeInstanceAsync("nope");
        var alone = await h.Client.PurgeInstanceAsync("qa-1");
        var tree = await h.Client.PurgeInstanceAsync("qa-2", new PurgeInstanceOptions(Recursive: true));
        var afterTree = Ids(await ListAsync(h, new OrchestrationQuery()));
        hold.SetResult();
        await h.WaitAsync("qb-1");
        var finished = await h.Client.PurgeInstanceAsync("qb-1", new PurgeInstanceOptions(Recursive: true));
        var left = Ids(await ListAsync(h, new OrchestrationQuery()));

        Assert.IsType<InvalidOperationException>(running);
        Assert.Equal((0, 1, 3, 3), (unknown.PurgedInstanceCount, alone.PurgedInstanceCount, tree.PurgedInstanceCount, finished.PurgedInstanceCount));
        Assert.Equal(["qa-1:c0", "qa-1:t0:r0", .. Qb], afterTree);
        Assert.Equal(["qa-1:c0", "qa-1:t0:r0"], left);
    }

    private static Task<WorkflowHarness> StartAsync(EngineKind engine, TaskCompletionSource hold) =>
        WorkflowHarness.StartAsync(engine, async call =>
        {
            if (call.TaskId == "held")
            {
                await call.ClaimAsync();
                await call.WaitForAsync(hold.Task);
            }

            await call.PassAsync();
        });

    // qa-1 and qa-2 completed, qb-1's run claimed and running.
    private static async Task SubmitThreeAsync(WorkflowHarness h)
    {
        await h.SubmitAsync("""{"id": "qa-1", "tasks": [{"id": "t", "command": "x"}]}""");
        await h.SubmitAsync("""{"id": "qa-2", "tasks": [{"id": "t", "command": "x"}]}""");
        await h.SubmitAsync("""{"id": "qb-1", "tasks": [{"id": "held", "command": "x", "timeoutSeconds": 600}]}""");
        await h.WaitAsync("qa-1");
        await h.WaitAsync("qa-2");
        await WaitUntilAsync(() => h.CloudRun.Starts == 3);
    }

    private static async Task<List<OrchestrationMetadata>> ListAsync(WorkflowHarness h, OrchestrationQuery query)
    {
        var list = new List<OrchestrationMetadata>();
        await foreach (var instance in h.Client.GetAllInstancesAsync(query))
        {
            list.Add(instance);
        }

        return list;
    }

    // Sorted: the seam says instances come ordered by id, which the embedded engine does and the SDK's in-process
    // test host does not (it lists in hash order); nothing in the product depends on the order.
    private static string[] Ids(IEnumerable<OrchestrationMetadata> instances) => [.. instances.Select(m => m.InstanceId).Order(StringComparer.Ordinal)];

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        await Eventually.HoldsAsync(condition, "condition", TimeSpan.FromSeconds(30));
        Assert.True(condition(), "Condition not met in time.");
    }
}
