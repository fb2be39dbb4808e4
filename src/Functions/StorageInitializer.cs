using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Orchestration.Functions;

/// <summary>Creates the stores' tables and containers at start when <see cref="AzureStorageOptions.CreateIfMissing"/>
/// is on (local development against Azurite; in Azure, infra/ creates them and this is a few cheap calls).</summary>
/// <param name="clients">The storage clients.</param>
/// <param name="options">The storage options.</param>
internal sealed class StorageInitializer(AzureStorageClients clients, IOptions<AzureStorageOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.CreateIfMissing ? clients.EnsureCreatedAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
