using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Orchestration.Activities.Stores;
using Orchestration.Tests.Azurite;

namespace Orchestration.Activities.Tests.Stores;

[Collection(AzuriteCollection.Name)]
public sealed class AzureBatchStoreTests : BatchStoreContract, IAsyncLifetime
{
    private readonly TableClient _table;
    private readonly BlobContainerClient _container;

    public AzureBatchStoreTests(AzuriteFixture azurite)
    {
        var unique = "t" + Guid.NewGuid().ToString("N")[..12];
        _table = new TableServiceClient(azurite.ConnectionString).GetTableClient("batches" + unique);
        _container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("batch-documents-" + unique);
        Store = new AzureBatchStore(_table, _container);
    }

    protected override IBatchStore Store { get; }

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
