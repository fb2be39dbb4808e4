using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Orchestration.Activities.Stores;
using Orchestration.Domain;

namespace Orchestration.Adapters.Stores;

/// <summary>The batch store of the Azure host: table <c>batches</c> (partition = batch id) for the
/// record and status, Blob for the document.</summary>
/// <remarks>A document can reach 4 MiB, past a table entity's 1 MiB, so it lives in a blob named by the
/// batch id and hash: a conflicting submission can never overwrite the stored document, and a repeated
/// upload of the same submission writes the same bytes. The table insert is what decides who won.
/// Status changes are ETag-guarded read-modify-writes.</remarks>
/// <param name="table">The <c>batches</c> table.</param>
/// <param name="documents">The container for batch documents.</param>
public sealed class AzureBatchStore(TableClient table, BlobContainerClient documents) : IBatchStore
{
    private const string RowKey = "batch";

    /// <inheritdoc />
    public async Task<BatchInsertResult> InsertIfAbsentAsync(StoredBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var blob = documents.GetBlobClient(DocumentName(batch.Id, batch.Hash));
        await blob.UploadAsync(BinaryData.FromBytes(batch.Document), overwrite: true, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(ToEntity(batch), cancellationToken).ConfigureAwait(false);
            return new BatchInsertResult(BatchInsertOutcome.Inserted, batch);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var existing = await GetAsync(batch.Id, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Batch '{batch.Id}' was neither inserted nor found.", ex);
            var outcome = existing.Hash == batch.Hash && existing.Status != BatchStatus.Purging
                ? BatchInsertOutcome.AlreadyExists
                : BatchInsertOutcome.Conflict;
            return new BatchInsertResult(outcome, existing);
        }
    }

    /// <inheritdoc />
    public async Task<StoredBatch?> GetAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var entity = await table.GetEntityIfExistsAsync<TableEntity>(batchId, RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!entity.HasValue || entity.Value is null)
        {
            return null;
        }

        var record = FromEntity(entity.Value);
        try
        {
            var content = await documents.GetBlobClient(DocumentName(record.Id, record.Hash)).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return record with { Document = content.Value.Content.ToMemory() };
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && record.Status == BatchStatus.Purging)
        {
            // A purge deletes the documents before the row: between the two the batch is still there, being
            // purged, and its document is no longer needed by anyone.
            return record;
        }
    }

    /// <inheritdoc />
    public async Task<BatchPage> ListAsync(BatchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1);
        var filters = new List<string>();
        if (query.Statuses is { Count: > 0 } statuses)
        {
            filters.Add("(" + string.Join(" or ", statuses.Select(s => TableClient.CreateQueryFilter($"Status eq {BatchStatusRules.Name(s)}"))) + ")");
        }

        if (query.CreatedFrom is { } from)
        {
            filters.Add(TableClient.CreateQueryFilter($"CreatedAt ge {from}"));
        }

        if (query.CreatedTo is { } to)
        {
            filters.Add(TableClient.CreateQueryFilter($"CreatedAt lt {to}"));
        }

        var filter = filters.Count == 0 ? null : string.Join(" and ", filters);
        var pages = table.QueryAsync<TableEntity>(filter, query.PageSize, cancellationToken: cancellationToken)
            .AsPages(query.ContinuationToken, query.PageSize);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            return new BatchPage([.. page.Values.Select(FromEntity)], page.ContinuationToken);
        }

        return new BatchPage([], null);
    }

    /// <inheritdoc />
    public async Task<bool> SetStatusAsync(string batchId, BatchStatus status, string? reason, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await ChangeStatusAsync(batchId, (current, _) => BatchStatusRules.CanMove(current, status), status, reason, at, cancellationToken).ConfigureAwait(false) is not null;

    /// <inheritdoc />
    public async Task<bool> ReopenAsync(string batchId, DateTimeOffset requestedAt, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await ChangeStatusAsync(batchId, (current, updatedAt) => BatchStatusRules.CanReopen(current, updatedAt ?? DateTimeOffset.MaxValue, requestedAt),
            BatchStatus.Running, null, at, cancellationToken).ConfigureAwait(false) == BatchStatus.Running;

    // Sets the status and reason when allowed by what is stored (status, last written), under the row's ETag; the status
    // now, or null for no batch.
    private async Task<BatchStatus?> ChangeStatusAsync(
        string batchId, Func<BatchStatus, DateTimeOffset?, bool> allowed, BatchStatus status, string? reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = await table.GetEntityIfExistsAsync<TableEntity>(batchId, RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!current.HasValue || current.Value is null)
            {
                return null;
            }

            var entity = current.Value;
            var stored = BatchStatusRules.Parse(entity.GetString("Status"));
            if (!allowed(stored, entity.GetDateTimeOffset("UpdatedAt")))
            {
                return stored;
            }

            entity["Status"] = BatchStatusRules.Name(status);
            entity["Reason"] = reason;
            entity["UpdatedAt"] = at;
            try
            {
                await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return status;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Another writer changed the status between our read and write: read again and re-decide.
            }
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string batchId, CancellationToken cancellationToken = default)
    {
        await foreach (var item in documents.GetBlobsAsync(BlobTraits.None, BlobStates.None, batchId + "/", cancellationToken).ConfigureAwait(false))
        {
            await documents.DeleteBlobIfExistsAsync(item.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var response = await table.DeleteEntityAsync(batchId, RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        return response.Status != 404;
    }

    private static string DocumentName(string batchId, string hash) => $"{batchId}/{hash}.json";

    private static TableEntity ToEntity(StoredBatch batch) => new(batch.Id, RowKey)
    {
        ["Hash"] = batch.Hash,
        ["Nonce"] = batch.Nonce,
        ["Status"] = BatchStatusRules.Name(batch.Status),
        ["Reason"] = batch.Reason,
        ["CreatedAt"] = batch.CreatedAt,
        ["UpdatedAt"] = batch.UpdatedAt,
        ["TotalRuns"] = batch.TotalRuns,
        // The labels beside the document, so a listing shows them without reading each document blob.
        ["Labels"] = BatchLabels.Json(batch.Document),
    };

    private static StoredBatch FromEntity(TableEntity entity) => new(
        entity.PartitionKey,
        entity.GetString("Hash"),
        entity.GetString("Nonce"),
        BatchStatusRules.Parse(entity.GetString("Status")),
        entity.GetString("Reason"),
        entity.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        entity.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue,
        entity.GetInt32("TotalRuns") ?? 0,
        ReadOnlyMemory<byte>.Empty,
        // Rows written before labels were kept here list none (their document still has them).
        entity.GetString("Labels") is { } labels ? BatchLabels.Parse(labels) : null);
}
