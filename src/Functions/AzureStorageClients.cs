using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Orchestration.Functions;

/// <summary>The storage account's service clients, built once from <see cref="AzureStorageOptions"/>.</summary>
public sealed class AzureStorageClients
{
    /// <summary>Builds the clients.</summary>
    /// <param name="options">Connection string or service URIs.</param>
    public AzureStorageClients(IOptions<AzureStorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;

        // The Functions queue extension reads and writes base64 messages; the poison queue is written the same way.
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        if (!string.IsNullOrWhiteSpace(o.ConnectionString))
        {
            Blobs = new BlobServiceClient(o.ConnectionString);
            Tables = new TableServiceClient(o.ConnectionString);
            Queues = new QueueServiceClient(o.ConnectionString, queueOptions);
        }
        else
        {
            TokenCredential credential = new ManagedIdentityCredential(o.ManagedIdentityClientId is { Length: > 0 } id
                ? ManagedIdentityId.FromUserAssignedClientId(id)
                : ManagedIdentityId.SystemAssigned);
            Blobs = new BlobServiceClient(o.BlobServiceUri, credential);
            Tables = new TableServiceClient(o.TableServiceUri, credential);
            Queues = new QueueServiceClient(o.QueueServiceUri, credential, queueOptions);
        }

        BatchesTable = Tables.GetTableClient(o.BatchesTable);
        RunsTable = Tables.GetTableClient(o.RunsTable);
        Aggregates = Blobs.GetBlobContainerClient(o.AggregatesContainer);
        Documents = Blobs.GetBlobContainerClient(o.DocumentsContainer);
    }

    /// <summary>The blob service.</summary>
    public BlobServiceClient Blobs { get; }

    /// <summary>The table service.</summary>
    public TableServiceClient Tables { get; }

    /// <summary>The queue service (base64 messages).</summary>
    public QueueServiceClient Queues { get; }

    /// <summary>The batch store's table.</summary>
    public TableClient BatchesTable { get; }

    /// <summary>The result store's table.</summary>
    public TableClient RunsTable { get; }

    /// <summary>The aggregates container.</summary>
    public BlobContainerClient Aggregates { get; }

    /// <summary>The documents container.</summary>
    public BlobContainerClient Documents { get; }

    /// <summary>Creates the tables and containers that do not exist.</summary>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>A task.</returns>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await BatchesTable.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await RunsTable.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await Aggregates.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Documents.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
