using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestration.Adapters.Queue;

namespace Orchestration.Functions;

/// <summary>Creates the stores' tables and containers and the submission queues (with the poison queue) at start
/// when <see cref="AzureStorageOptions.CreateIfMissing"/> is on (local development against Azurite; in Azure, infra/
/// creates them and this is a few cheap calls).</summary>
/// <remarks>Without the poison queue a rejected message could not be poisoned with its reason.</remarks>
/// <param name="clients">The storage clients.</param>
/// <param name="queues">The submission queues.</param>
/// <param name="options">The storage options.</param>
internal sealed class StorageInitializer(AzureStorageClients clients, SubmissionQueueClients queues, IOptions<AzureStorageOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.CreateIfMissing)
        {
            await clients.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
            await queues.CreateQueuesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
