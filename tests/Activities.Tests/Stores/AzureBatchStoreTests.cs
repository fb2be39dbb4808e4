using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Orchestration.Activities.Stores;
using Orchestration.Adapters.Stores;
using Orchestration.Domain;
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

    [Fact]
    public async Task GetAsync_DuringPurgeAfterTheDocumentWentFirst_BatchIsStillPurging()
    {
        // Arrange: a purge has deleted the document blob and not yet the row.
        var now = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
        await Store.InsertIfAbsentAsync(new StoredBatch("b1", "h1", "n1", BatchStatus.Completed, null, now, now, 3, "{}"u8.ToArray()));
        await Store.SetStatusAsync("b1", BatchStatus.Purging, null, now);
        await _container.DeleteBlobAsync("b1/h1.json");

        // Act
        var batch = await Store.GetAsync("b1");

        // Assert: a status read answers "purging" instead of failing (HTTP 500 before).
        Assert.NotNull(batch);
        Assert.Equal(BatchStatus.Purging, batch.Status);
        Assert.True(batch.Document.IsEmpty);
    }

    [Fact]
    public async Task GetAsync_DocumentMissingOutsideAPurge_Throws()
    {
        var now = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
        await Store.InsertIfAbsentAsync(new StoredBatch("b2", "h1", "n1", BatchStatus.Running, null, now, now, 3, "{}"u8.ToArray()));
        await _container.DeleteBlobAsync("b2/h1.json");

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => Store.GetAsync("b2"));

        Assert.Equal(404, error.Status);
    }

    public async Task DisposeAsync()
    {
        await _table.DeleteAsync();
        await _container.DeleteIfExistsAsync();
    }
}
