using Azure.Data.Tables;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Activities.Storage;
using Orchestration.Activities.Stores;
using Orchestration.Domain.Specs;
using Orchestration.Functions.Tests.Support;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows;
using Orchestration.Workflows.Purge;

namespace Orchestration.Functions.Tests.Purge;

/// <summary>Purge on the Functions host's composition (Azure Table and Blob stores on Azurite, the real Durable Task
/// SDK in process): the purge orchestration the DELETE schedules, and the history step as the activity function with
/// its <c>[DurableClient]</c> binding.</summary>
[Collection(HostsCollection.Name)]
public sealed class PurgeFunctionTests(HostsFixture hosts)
{
    [Fact]
    public async Task Purge_FinishedBatchOnTheSdk_PurgeOrchestrationRemovesHistoryObjectsAndRecord()
    {
        // Arrange
        var nonce = await RunToEndAsync("fn-purge");
        var prefix = RunnerContract.SubmissionPrefix("fn-purge", nonce);
        Assert.NotEmpty((await Objects.ListAsync(prefix)).Items);

        // Act
        var answer = await hosts.Functions.SendAsync("DELETE", "/api/batches/fn-purge");
        var purge = await hosts.Functions.Client.WaitForInstanceCompletionAsync(PurgeOrchestrator.InstanceId("fn-purge", nonce), getInputsAndOutputs: true)
            .WaitAsync(TimeSpan.FromSeconds(60));

        // Assert: the batch, its chunk and its run purged; objects, aggregate and record gone.
        Assert.Equal(202, answer.Status);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, purge.RuntimeStatus);
        var summary = purge.ReadOutputAs<PurgeSummary>()!;
        Assert.Equal(3, summary.Instances);
        Assert.True(summary.Objects > 0);
        Assert.True(summary.HadAggregate);
        Assert.True(summary.RecordDeleted);
        Assert.Null(await hosts.Functions.Client.GetInstanceAsync("fn-purge"));
        Assert.Null(await hosts.Functions.Client.GetInstanceAsync("fn-purge:t0:r0"));
        Assert.Empty((await Objects.ListAsync(prefix)).Items);
        Assert.Null(await hosts.Functions.Services.GetRequiredService<IResultStore>().GetAggregateAsync("fn-purge"));
        Assert.False(await hosts.Functions.Services.GetRequiredService<AzureStorageClients>().BatchesTable.QueryAsync<TableEntity>(e => e.PartitionKey == "fn-purge").AnyAsync());
        Assert.Equal(404, (await hosts.Functions.SendAsync("GET", "/api/batches/fn-purge")).Status);
    }

    [Fact]
    public async Task PurgeBatchHistory_ActivityFunctionWithBoundClient_PurgesTheBatchsInstances()
    {
        // Arrange: a finished batch (one chunk, one run).
        var nonce = await RunToEndAsync("fn-history");
        var context = new FakeFunctionContext(hosts.Functions.Services, new Dictionary<string, object?> { ["instanceId"] = "_purge:fn-history:" + nonce });

        // Act: called as the Durable extension calls it, with the client the [DurableClient] binding gives.
        var purged = await ActivityFunctions.PurgeBatchHistoryActivity(new PurgeStepInput("fn-history", nonce), hosts.Functions.Client, context);
        var again = await ActivityFunctions.PurgeBatchHistoryActivity(new PurgeStepInput("fn-history", nonce), hosts.Functions.Client, context);

        // Assert: batch, chunk and run purged once; a repeat finds nothing.
        Assert.Equal(3, purged);
        Assert.Equal(0, again);
        Assert.Null(await hosts.Functions.Client.GetInstanceAsync("fn-history"));
        Assert.Null(await hosts.Functions.Client.GetInstanceAsync("fn-history:c0"));
    }

    private IObjectStore Objects => hosts.Functions.Objects;

    private async Task<string> RunToEndAsync(string id)
    {
        Assert.Equal(202, (await hosts.Functions.SendAsync("POST", "/api/batches", $$"""{"id": "{{id}}", "tasks": [{"id": "a", "n": 1, "command": "make test"}]}""")).Status);
        await Eventually.HoldsAsync(
            async () => (await hosts.Functions.SendAsync("GET", "/api/batches/" + id)).Element.GetProperty("status").GetString() == "completed",
            $"{id} completed",
            TimeSpan.FromSeconds(60));

        await hosts.Functions.Client.WaitForInstanceCompletionAsync(id).WaitAsync(TimeSpan.FromSeconds(60));
        return (await hosts.Functions.Services.GetRequiredService<IBatchStore>().GetAsync(id))!.Nonce;
    }
}
