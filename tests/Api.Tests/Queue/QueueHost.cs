using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Activities.Stores;
using Orchestration.Adapters.Queue;
using Orchestration.Api.Queue;
using Orchestration.Durable;
using Orchestration.Workflows;

namespace Orchestration.Api.Tests.Queue;

/// <summary>An <see cref="ApiHost"/> (real batch service on the embedded engine) with the queue handling
/// registered against Azurite, and a container of its own for referenced documents.</summary>
public sealed class QueueHost : IAsyncDisposable
{
    private QueueHost(ApiHost api, BlobContainerClient container)
    {
        Api = api;
        Container = container;
    }

    public ApiHost Api { get; }

    public BlobContainerClient Container { get; }

    public SubmissionQueueHandler Handler => Api.Services.GetRequiredService<SubmissionQueueHandler>();

    public static async Task<QueueHost> StartAsync(string connectionString, long maxBlobBytes = 4L * 1024 * 1024)
    {
        var container = new BlobContainerClient(connectionString, "docs-" + Guid.NewGuid().ToString("N"));
        await container.CreateAsync();
        var api = await ApiHost.StartAsync(addServices: services =>
        {
            services.AddSubmissionQueue(_ => connectionString);
            services.Configure<SubmissionQueueOptions>(o =>
            {
                o.BlobContainer = container.Name;
                o.MaxBlobBytes = maxBlobBytes;
            });
        });
        return new QueueHost(api, container);
    }

    public Task<QueueSubmissionOutcome> HandleAsync(string messageId, string body) => Handler.HandleAsync(messageId, BinaryData.FromString(body));

    /// <summary>Batch orchestrations only: each batch also starts chunk and run sub-orchestrations.</summary>
    public async Task<int> BatchOrchestrationCountAsync()
    {
        var count = 0;
        await foreach (var instance in Api.Client.GetAllInstancesAsync(new OrchestrationQuery()))
        {
            count += instance.Name == nameof(BatchOrchestrator) ? 1 : 0;
        }

        return count;
    }

    public async Task<int> BatchCountAsync() => (await Api.Batches.ListAsync(new BatchQuery())).Items.Count;

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Container.DeleteIfExistsAsync();
    }
}
