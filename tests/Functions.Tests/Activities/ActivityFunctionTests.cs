using Microsoft.Extensions.DependencyInjection;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Stores;
using Orchestration.Functions.Tests.Support;

namespace Orchestration.Functions.Tests.Activities;

/// <summary>Activity functions called as the Durable extension calls them (the input bound, the invocation's
/// services): each runs the catalog's activity with the production services.</summary>
[Collection(HostsCollection.Name)]
public sealed class ActivityFunctionTests(HostsFixture hosts)
{
    [Fact]
    public async Task PrepareBatch_StoredBatch_ReturnsThePlanOfItsTasksUnderItsNonce()
    {
        // Arrange: a batch stored by the submit function (its orchestration runs too; preparation is idempotent).
        Assert.Equal(202, (await hosts.Functions.SendAsync("POST", "/api/batches",
            """{"id": "act-prep", "maxParallelRuns": 7, "tasks": [{"id": "a", "n": 2, "command": "x"}, {"id": "b", "command": "y"}]}""")).Status);
        var stored = await hosts.Functions.Services.GetRequiredService<IBatchStore>().GetAsync("act-prep");

        // Act
        var plan = await ActivityFunctions.PrepareBatchActivity(new PrepareBatchInput("act-prep"), Context("act-prep"));

        // Assert
        Assert.Equal("act-prep", plan.BatchId);
        Assert.Equal(stored!.Nonce, plan.Nonce);
        Assert.Equal(7, plan.MaxParallelRuns);
        Assert.False(plan.HasWebhook);
        Assert.Equal(["a", "b"], plan.Tasks.Select(t => t.TaskId));
        Assert.Equal(3, plan.TotalRuns);
    }

    [Fact]
    public async Task CancelRun_RunningExecution_CancelsItOnceAndThenReportsNothingToCancel()
    {
        // Arrange: an execution the scripted runner claims and never finishes.
        var jobs = hosts.Functions.Jobs;
        await jobs.EnsureJobAsync(new CloudRunJobSpec("orch-act", "image", "1", "512Mi", "sa", new Dictionary<string, string>(), new Dictionary<string, CloudRunSecretRef>(), TimeSpan.FromMinutes(10)));
        var started = await jobs.RunExecutionAsync("orch-act", new Dictionary<string, string> { ["RUN_PREFIX"] = "gs://test-bucket/runs/act-cancel/n1/hang/0/" }, TimeSpan.FromMinutes(10));
        var execution = started.ExecutionName!;

        // Act
        var first = await ActivityFunctions.CancelRunActivity(new CancelRunInput([execution]), Context("act-cancel:t0:r0"));
        var second = await ActivityFunctions.CancelRunActivity(new CancelRunInput([execution]), Context("act-cancel:t0:r0"));

        // Assert
        Assert.True(first);
        Assert.False(second);
        Assert.Equal(CloudRunExecutionState.Cancelled, (await jobs.GetExecutionAsync(execution))!.State);
    }

    [Fact]
    public async Task PrepareBatch_InvocationCancelled_StepStopsWithCancellation()
    {
        // Arrange: a stored batch, and an invocation the worker has already cancelled (host shutting down).
        Assert.Equal(202, (await hosts.Functions.SendAsync("POST", "/api/batches",
            """{"id": "act-prep-cancel", "tasks": [{"id": "a", "command": "x"}]}""")).Status);
        using var shutdown = new CancellationTokenSource();
        await shutdown.CancelAsync();
        var context = new FakeFunctionContext(hosts.Functions.Services, new Dictionary<string, object?> { ["instanceId"] = "act-prep-cancel" }, shutdown.Token);

        // Act
        var call = ActivityFunctions.PrepareBatchActivity(new PrepareBatchInput("act-prep-cancel"), context);

        // Assert: the token reached the step's storage calls.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    private FakeFunctionContext Context(string instanceId) => new(hosts.Functions.Services, new Dictionary<string, object?> { ["instanceId"] = instanceId });
}
