using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Domain;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows.Service;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

public sealed class RetentionTests
{
    [Theory]
    [Engines]
    public async Task Sweep_FinishedBeforeCutoff_PurgedAndRunningOrRecentKept(EngineKind engine)
    {
        var hold = new TaskCompletionSource();
        await using var h = await WorkflowHarness.StartAsync(engine, async call =>
        {
            if (call.TaskId == "slow")
            {
                await call.ClaimAsync();
                await call.WaitForAsync(hold.Task);
            }

            await call.PassAsync();
        });
        await h.Service.SubmitAsync(Encoding.UTF8.GetBytes("""{"id": "old-1", "tasks": [{"id": "a", "n": 2, "command": "x"}]}"""));
        await h.Service.SubmitAsync(Encoding.UTF8.GetBytes("""{"id": "old-2", "tasks": [{"id": "a", "command": "x"}]}"""));
        await h.WaitAsync("old-1");
        await h.WaitAsync("old-2");
        await WaitForStatusAsync(h, "old-1", BatchStatus.Completed);
        await WaitForStatusAsync(h, "old-2", BatchStatus.Completed);
        await h.Service.SubmitAsync(Encoding.UTF8.GetBytes("""{"id": "live", "tasks": [{"id": "slow", "command": "y", "timeoutSeconds": 600}]}"""));
        var sweeper = h.Services.GetRequiredService<RetentionSweeper>();

        var none = await sweeper.SweepAsync(h.Time.GetUtcNow().AddHours(-1));
        var purged = await sweeper.SweepAsync(h.Time.GetUtcNow().AddMinutes(1));

        Assert.Equal(0, none);
        Assert.Equal(2, purged);
        await Eventually.HoldsAsync(async () => await h.Batches.GetAsync("old-1") is null && await h.Batches.GetAsync("old-2") is null, "both old batches purged");

        Assert.Null(await h.Batches.GetAsync("old-1"));
        Assert.Null(await h.Batches.GetAsync("old-2"));
        Assert.Null(await h.Client.GetInstanceAsync("old-1"));
        Assert.Null(await h.Results.GetAggregateAsync("old-1"));
        var live = await h.Batches.GetAsync("live");
        Assert.NotNull(live);
        Assert.False(BatchStatusRules.IsFinished(live.Status));
        hold.SetResult();
        await h.WaitAsync("live");
    }

    private static async Task WaitForStatusAsync(WorkflowHarness h, string id, BatchStatus status)
    {
        await Eventually.HoldsAsync(async () => (await h.Batches.GetAsync(id))?.Status == status, $"{id} is {status}");

        Assert.Equal(status, (await h.Batches.GetAsync(id))?.Status);
    }
}
