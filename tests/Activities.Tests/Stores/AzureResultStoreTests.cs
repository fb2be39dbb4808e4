using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Orchestration.Activities.Stores;
using Orchestration.Adapters.Stores;
using Orchestration.Tests.Azurite;

namespace Orchestration.Activities.Tests.Stores;

[Collection(AzuriteCollection.Name)]
public sealed class AzureResultStoreTests : ResultStoreContract, IAsyncLifetime
{
    private readonly TableClient _table;
    private readonly BlobContainerClient _container;

    public AzureResultStoreTests(AzuriteFixture azurite)
    {
        var unique = "t" + Guid.NewGuid().ToString("N")[..12];
        _table = new TableServiceClient(azurite.ConnectionString).GetTableClient("runs" + unique);
        _container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("aggregates-" + unique);
        Store = new AzureResultStore(_table, _container);
    }

    protected override IResultStore Store { get; }

    public async Task InitializeAsync()
    {
        await _table.CreateIfNotExistsAsync();
        await _container.CreateIfNotExistsAsync();
    }

    public async Task DisposeAsync()
    {
        await _table.DeleteAsync();
        await _container.DeleteIfExistsAsync();
    }
}
