using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestration.Activities.Stores;
using Orchestration.Adapters.Queue;
using Orchestration.Adapters.Stores;
using Orchestration.Api.Queue;
using Orchestration.Durable;
using Orchestration.Server.Queue;
using Orchestration.Tests.Azurite;
using Orchestration.Workflows;
using Orchestration.Workflows.Service;

namespace Orchestration.Server.Tests.Queue;

/// <summary>The queue reader in-process, composed exactly as <c>serve</c> composes it (standalone services
/// plus <see cref="QueueServiceCollectionExtensions.AddQueueSubmissions"/>), with a batch store that can be
/// made to fail, and a one-second visibility timeout so redeliveries come quickly.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueueSubmissionServiceTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Document = """{"id": "queued", "tasks": [{"id": "ok", "n": 2, "command": "echo hi"}]}""";
    private readonly string _data = Directory.CreateTempSubdirectory("queue-service-").FullName;
    private IHost? _host;
    private TestQueues _queues = null!;

    public async Task InitializeAsync() => _queues = await TestQueues.EmptyAsync(azurite.ConnectionString);

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A detached execution may still be writing; the temp folder is left behind.
        }
    }

    private async Task<FlakyBatchStore> StartAsync(int failures)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Standalone:Queue:ConnectionString"] = azurite.ConnectionString,
            ["Standalone:Queue:PollInterval"] = "00:00:00.100",
            ["Standalone:Queue:VisibilityTimeout"] = "00:00:01",
        });
        FlakyBatchStore? store = null;
        builder.Services.AddStandaloneOrchestration(builder.Configuration, _data);
        builder.Services.AddQueueSubmissions(builder.Configuration);
        builder.Services.AddSingleton<IBatchStore>(sp => store = new FlakyBatchStore(new SqliteBatchStore(sp.GetRequiredService<SqliteDatabase>()), failures));
        _host = builder.Build();
        _host.Services.GetRequiredService<DataFolder>().Create();
        await _host.StartAsync();
        _ = _host.Services.GetRequiredService<IBatchStore>();
        return store!;
    }

    private T Get<T>()
        where T : notnull => _host!.Services.GetRequiredService<T>();

    private async Task WaitForCompletionAsync(string batchId)
    {
        await _queues.WaitUntilAsync(async () => (await Get<BatchService>().GetStatusAsync(batchId))?.Status == "completed", $"batch {batchId} to complete");
    }

    private async Task<int> BatchOrchestrationsAsync()
    {
        var count = 0;
        await foreach (var instance in Get<DurableTaskClient>().GetAllInstancesAsync(new OrchestrationQuery()))
        {
            count += instance.Name == nameof(BatchOrchestrator) ? 1 : 0;
        }

        return count;
    }

    [Fact]
    public async Task Queue_TransientFailures_DeliveredAgainUntilSubmitted()
    {
        await _queues.SendAsync(Document);

        var store = await StartAsync(failures: 2);
        await WaitForCompletionAsync("queued");
        await _queues.WaitUntilAsync(async () => await _queues.ApproximateCountAsync(_queues.Submissions) == 0, "the message to be deleted");

        Assert.Equal(3, store.Inserts);
        Assert.Empty(await _queues.PeekPoisonAsync());
        Assert.Equal(1, await BatchOrchestrationsAsync());
    }

    [Fact]
    public async Task Queue_FailsOnEveryDelivery_PoisonedAfterFiveWithTheLastFailure()
    {
        var messageId = await _queues.SendAsync(Document);

        var store = await StartAsync(failures: int.MaxValue);
        await _queues.WaitUntilAsync(async () => (await _queues.PeekPoisonAsync()).Count == 1, "the poison message");
        var poison = Assert.Single(await _queues.PeekPoisonAsync());

        Assert.Equal(messageId, poison.GetProperty("messageId").GetString());
        Assert.Equal(SubmissionQueues.MaxDequeueCount, poison.GetProperty("dequeueCount").GetInt32());
        Assert.Equal("Failed on each of 5 deliveries; the last failure: SqliteException: SQLite Error 5: 'database is locked'.", poison.GetProperty("reason").GetString());
        Assert.Equal(Document, poison.GetProperty("body").GetString());
        Assert.Equal(SubmissionQueues.MaxDequeueCount, store.Inserts);
        Assert.Equal(0, await _queues.ApproximateCountAsync(_queues.Submissions));
        Assert.Equal(0, await BatchOrchestrationsAsync());
    }

    [Fact]
    public async Task Queue_DeliveredMoreThanFiveTimesWithoutFinishing_PoisonedWithoutHandling()
    {
        var messageId = await _queues.SendAsync(Document);
        // Five deliveries whose handling never finished (a host that crashed each time): receive, then make
        // the message visible again at once instead of waiting out the visibility timeout.
        for (var i = 0; i < SubmissionQueues.MaxDequeueCount; i++)
        {
            QueueMessage received = (await _queues.Submissions.ReceiveMessageAsync(TimeSpan.FromSeconds(30))).Value;
            await _queues.Submissions.UpdateMessageAsync(received.MessageId, received.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        }

        var store = await StartAsync(failures: 0);
        await _queues.WaitUntilAsync(async () => (await _queues.PeekPoisonAsync()).Count == 1, "the poison message");
        var poison = Assert.Single(await _queues.PeekPoisonAsync());

        Assert.Equal(messageId, poison.GetProperty("messageId").GetString());
        Assert.Equal(6, poison.GetProperty("dequeueCount").GetInt32());
        Assert.StartsWith("Dequeued 6 times, more than 5:", poison.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, store.Inserts);
    }

    [Fact]
    public async Task Queue_RedeliveryAfterCrashBetweenSubmitAndDelete_OneBatch()
    {
        var messageId = await _queues.SendAsync("""{"tasks": [{"id": "ok", "n": 2, "command": "echo hi"}]}""");
        // The first delivery: a host receives the message and submits it, then crashes before deleting it.
        QueueMessage first = (await _queues.Submissions.ReceiveMessageAsync(TimeSpan.FromSeconds(2))).Value;
        var store = await StartAsync(failures: 0);
        var submitted = await Get<SubmissionQueueHandler>().HandleAsync(first.MessageId, first.Body);

        // The redelivery reaches the running reader once the visibility timeout has passed.
        await _queues.WaitUntilAsync(async () => await _queues.ApproximateCountAsync(_queues.Submissions) == 0, "the redelivered message to be deleted");
        await WaitForCompletionAsync(submitted.BatchId!);

        Assert.True(submitted.Created);
        Assert.Equal(Domain.BatchIds.FromIdempotencyKey(messageId), submitted.BatchId);
        Assert.Equal(2, store.Inserts);
        Assert.Single((await Get<IBatchStore>().ListAsync(new BatchQuery())).Items);
        Assert.Equal(1, await BatchOrchestrationsAsync());
        Assert.Empty(await _queues.PeekPoisonAsync());
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(_data, "executions", "executions")).Length);
    }
}
