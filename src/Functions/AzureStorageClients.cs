using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Orchestration.Adapters.Queue;

namespace Orchestration.Functions;

/// <summary>The storage account's service clients, built once from <see cref="AzureStorageOptions"/>.</summary>
public sealed class AzureStorageClients
{
    private readonly string? _connectionString;
    private readonly Uri? _queueServiceUri;
    private readonly TokenCredential? _credential;

    /// <summary>Builds the clients.</summary>
    /// <param name="options">Connection string or service URIs.</param>
    public AzureStorageClients(IOptions<AzureStorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;

        _connectionString = o.ConnectionString;
        _queueServiceUri = o.QueueServiceUri;
        if (!string.IsNullOrWhiteSpace(o.ConnectionString))
        {
            Blobs = new BlobServiceClient(o.ConnectionString);
            Tables = new TableServiceClient(o.ConnectionString);
        }
        else
        {
            _credential = new ManagedIdentityCredential(o.ManagedIdentityClientId is { Length: > 0 } id
                ? ManagedIdentityId.FromUserAssignedClientId(id)
                : ManagedIdentityId.SystemAssigned);
            Blobs = new BlobServiceClient(o.BlobServiceUri, _credential);
            Tables = new TableServiceClient(o.TableServiceUri, _credential);
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

    /// <summary>The batch store's table.</summary>
    public TableClient BatchesTable { get; }

    /// <summary>The result store's table.</summary>
    public TableClient RunsTable { get; }

    /// <summary>The aggregates container.</summary>
    public BlobContainerClient Aggregates { get; }

    /// <summary>The documents container.</summary>
    public BlobContainerClient Documents { get; }

    /// <summary>The submission queue's clients (src/Api/Queue) on the same account and identity.</summary>
    /// <param name="options">The submission queue options.</param>
    /// <returns>The clients.</returns>
    public SubmissionQueueClients SubmissionQueues(IOptions<SubmissionQueueOptions> options) =>
        _connectionString is { Length: > 0 } connectionString
            ? new SubmissionQueueClients(connectionString, options)
            : new SubmissionQueueClients(_queueServiceUri!, _credential!, Blobs, options);

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
