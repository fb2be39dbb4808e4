using System.Text.Json;
using Azure.Storage.Blobs;
using Grpc.Net.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestration.Activities.Stores;
using Orchestration.Adapters.Queue;
using Orchestration.Functions.Tests.Support;
using RealClient = Microsoft.DurableTask.Client;

namespace Orchestration.Functions.Tests.Queue;

/// <summary>The queue function (<see cref="QueueFunctions.SubmitAsync"/>) called as the host calls it for one
/// delivery: the decoded body, the message id and dequeue count from the binding data, the bound durable client;
/// over the production composition on Azurite (the poison queue created as infra/azure creates it). The handler's
/// own cases (conflicts, limits, reasons) are covered in Api.Tests; these check the function around it.</summary>
[Collection(HostsCollection.Name)]
public sealed class QueueFunctionTests(HostsFixture hosts) : IAsyncLifetime
{
    private QueueFunctions Function => ActivatorUtilities.CreateInstance<QueueFunctions>(hosts.Functions.Services);

    private SubmissionQueueClients Queues => hosts.Functions.Services.GetRequiredService<SubmissionQueueClients>();

    public async Task InitializeAsync()
    {
        await Queues.CreateQueuesAsync();
        await Queues.Poison.ClearMessagesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Submit_BatchDocument_StartsTheBatchOnTheBoundClientAndPoisonsNothing()
    {
        // Act
        await Function.SubmitAsync(BinaryData.FromString(Batch("q-doc")), "msg-1", 1, hosts.Functions.Client, Context());

        // Assert
        await AssertStartedAsync("q-doc");
        Assert.Empty((await Queues.Poison.PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task Submit_BlobReference_SubmitsTheDocumentStoredInTheConfiguredContainer()
    {
        // Arrange: a document past the message limit goes to the documents container (Orchestration:Queue:BlobContainer).
        var container = new BlobContainerClient(hosts.StorageConnectionString, "documents");
        await container.UploadBlobAsync("big/q-blob.json", BinaryData.FromString(Batch("q-blob")));

        // Act
        await Function.SubmitAsync(BinaryData.FromString("""{"blob": "documents/big/q-blob.json"}"""), "msg-2", 1, hosts.Functions.Client, Context());

        // Assert
        await AssertStartedAsync("q-blob");
        Assert.Empty((await Queues.Poison.PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task Submit_InvalidBatch_WritesThePoisonMessageWithReasonAndCompletes()
    {
        // Act: completes without throwing, so the host deletes the message instead of retrying it.
        await Function.SubmitAsync(BinaryData.FromString("""{"id": "q-bad", "tasks": []}"""), "msg-3", 2, hosts.Functions.Client, Context());

        // Assert
        var message = Assert.Single((await Queues.Poison.PeekMessagesAsync(32)).Value);
        using var poison = JsonDocument.Parse(message.Body.ToString());
        Assert.Equal("msg-3", poison.RootElement.GetProperty("messageId").GetString());
        Assert.Equal(2, poison.RootElement.GetProperty("dequeueCount").GetInt64());
        Assert.Contains("tasks", poison.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("""{"id": "q-bad", "tasks": []}""", poison.RootElement.GetProperty("body").GetString());
        Assert.Null(await hosts.Functions.Client.GetInstanceAsync("q-bad"));
        Assert.Null(await hosts.Functions.Services.GetRequiredService<IBatchStore>().GetAsync("q-bad"));
    }

    [Fact]
    public async Task Submit_MissingBlob_PoisonedWithTheBlobNamed()
    {
        await Function.SubmitAsync(BinaryData.FromString("""{"blob": "documents/nowhere.json"}"""), "msg-4", 1, hosts.Functions.Client, Context());

        var message = Assert.Single((await Queues.Poison.PeekMessagesAsync(32)).Value);
        using var poison = JsonDocument.Parse(message.Body.ToString());
        Assert.Contains("documents/nowhere.json", poison.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_DurableBackendDown_ThrowsOnEachDeliveryWhileDownThenStartsTheBatchOnce()
    {
        // Arrange: a client whose backend does not answer (a loopback port nobody listens on).
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{FreePort.Next()}");
        await using var down = new GrpcDurableTaskClient("down", new GrpcDurableTaskClientOptions { Channel = channel }, NullLogger.Instance);
        var body = BinaryData.FromString(Batch("q-retry"));

        // Act / Assert: each delivery up to maxDequeueCount propagates the failure, so the host retries the message
        // and, after the last one, moves it to batch-submissions-poison itself (host.json, checked in the metadata
        // tests); the function writes no poison message of its own for a transient failure.
        for (var delivery = 1; delivery < SubmissionQueues.MaxDequeueCount; delivery++)
        {
            await Assert.ThrowsAnyAsync<Grpc.Core.RpcException>(() => Function.SubmitAsync(body, "msg-5", delivery, down, Context()));
        }

        Assert.Empty((await Queues.Poison.PeekMessagesAsync(32)).Value);
        Assert.Null(await hosts.Functions.Client.GetInstanceAsync("q-retry"));

        // The last delivery finds the backend back: the batch stored by the failed ones is started, once.
        await Function.SubmitAsync(body, "msg-5", SubmissionQueues.MaxDequeueCount, hosts.Functions.Client, Context());
        await AssertStartedAsync("q-retry");
        await Function.SubmitAsync(body, "msg-5", SubmissionQueues.MaxDequeueCount, hosts.Functions.Client, Context());
        Assert.Equal(1, await CountAsync("q-retry"));
    }

    [Fact]
    public async Task StorageInitializer_CreateIfMissing_CreatesTheSubmissionAndPoisonQueues()
    {
        // Arrange: no queues (local development on a fresh Azurite).
        await Queues.Submissions.DeleteIfExistsAsync();
        await Queues.Poison.DeleteIfExistsAsync();
        var initializer = hosts.Functions.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Single(s => s.GetType().Name == "StorageInitializer");

        // Act: what the host runs at start (Orchestration:Storage:CreateIfMissing defaults to on).
        await initializer.StartAsync(CancellationToken.None);

        // Assert: a rejected message can be poisoned with its reason.
        Assert.True((await Queues.Submissions.ExistsAsync()).Value);
        Assert.True((await Queues.Poison.ExistsAsync()).Value);
        await Function.SubmitAsync(BinaryData.FromString("""{"id": "q-init", "tasks": []}"""), "msg-6", 1, hosts.Functions.Client, Context());
        Assert.Single((await Queues.Poison.PeekMessagesAsync(32)).Value);
    }

    private FakeFunctionContext Context() => new(hosts.Functions.Services);

    private static string Batch(string id) => $$"""{"id": "{{id}}", "tasks": [{"id": "good", "n": 1, "command": "make test"}]}""";

    private async Task AssertStartedAsync(string batchId)
    {
        var instance = await hosts.Functions.Client.GetInstanceAsync(batchId);
        Assert.NotNull(instance);
        Assert.Equal("BatchOrchestrator", instance.Name);
        var stored = await hosts.Functions.Services.GetRequiredService<IBatchStore>().GetAsync(batchId);
        Assert.NotNull(stored);
    }

    private async Task<int> CountAsync(string batchId)
    {
        var count = 0;
        await foreach (var instance in hosts.Functions.Client.GetAllInstancesAsync(new RealClient.OrchestrationQuery { InstanceIdPrefix = batchId }))
        {
            count += instance.InstanceId == batchId ? 1 : 0;
        }

        return count;
    }
}
