using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Orchestration.Activities.Stores;

namespace Orchestration.Adapters.Stores;

/// <summary>The result store of the Azure host: table <c>runs</c> (partition = batch id, row key = run
/// key) and blob <c>aggregates/{batchId}.json</c>.</summary>
/// <remarks>Outcome and flags are columns so that the common filters run in the table service; the full
/// row is one JSON property (a few KB; attempts are at most five).</remarks>
/// <param name="table">The <c>runs</c> table.</param>
/// <param name="aggregates">The <c>aggregates</c> container.</param>
public sealed class AzureResultStore(TableClient table, BlobContainerClient aggregates) : IResultStore
{
    /// <inheritdoc />
    public async Task UpsertRunAsync(RunRow row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        var entity = new TableEntity(row.BatchId, RunKeys.Of(row.TaskOrdinal, row.RunIndex))
        {
            ["TaskOrdinal"] = row.TaskOrdinal,
            ["Outcome"] = RunKeys.OutcomeName(row.Outcome),
            ["Flags"] = RunKeys.FlagList(row.Flags),
            ["Row"] = RunKeys.Serialize(row),
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<RunRow?> GetRunAsync(string batchId, int taskOrdinal, int runIndex, CancellationToken cancellationToken = default)
    {
        var entity = await table.GetEntityIfExistsAsync<TableEntity>(batchId, RunKeys.Of(taskOrdinal, runIndex), ["Row"], cancellationToken).ConfigureAwait(false);
        return entity.HasValue && entity.Value is not null ? RunKeys.Deserialize(entity.Value.GetBinary("Row")) : null;
    }

    /// <inheritdoc />
    public async Task<RunPage> QueryRunsAsync(RunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {query.BatchId} and RowKey gt {RunKeys.Untoken(query.ContinuationToken)}");
        if (query.TaskOrdinal is { } ordinal)
        {
            filter += " and " + TableClient.CreateQueryFilter($"TaskOrdinal eq {ordinal}");
        }

        if (query.Outcome is { } outcome)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Outcome eq {RunKeys.OutcomeName(outcome)}");
        }

        // The table service has no substring filter: the flag is checked here, and a page fills up from
        // as many service pages as it takes.
        var needle = query.Flag is null ? null : "|" + query.Flag + "|";
        var rows = new List<(string Key, RunRow Row)>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(1000, query.PageSize + 1), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (needle is not null && !entity.GetString("Flags").Contains(needle, StringComparison.Ordinal))
            {
                continue;
            }

            rows.Add((entity.RowKey, RunKeys.Deserialize(entity.GetBinary("Row"))));
            if (rows.Count > query.PageSize)
            {
                break;
            }
        }

        var more = rows.Count > query.PageSize;
        var page = rows.Take(query.PageSize).ToList();
        return new RunPage([.. page.Select(r => r.Row)], more ? RunKeys.Token(page[^1].Key) : null);
    }

    /// <inheritdoc />
    public async Task PutAggregateAsync(string batchId, ReadOnlyMemory<byte> document, CancellationToken cancellationToken = default) =>
        await aggregates.GetBlobClient(batchId + ".json").UploadAsync(BinaryData.FromBytes(document), overwrite: true, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<ReadOnlyMemory<byte>?> GetAggregateAsync(string batchId, CancellationToken cancellationToken = default)
    {
        try
        {
            var content = await aggregates.GetBlobClient(batchId + ".json").DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return content.Value.Content.ToMemory();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task DeleteBatchAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {batchId}");
        var batch = new List<TableTransactionAction>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, entity, ETag.All));
            if (batch.Count == 100)
            {
                await table.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await table.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        await aggregates.DeleteBlobIfExistsAsync(batchId + ".json", cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
