using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Orchestration.Activities.Stores;

namespace Orchestration.Adapters.Stores;

/// <summary>The result store of the Azure host: table <c>runs</c> (partition = batch id, row key = run
/// key) and blob <c>aggregates/{batchId}.json</c>.</summary>
/// <remarks>Outcome and flags are columns so that the common filters run in the table service; the full
/// row is one JSON property (a few KB; attempts are at most five). The judged order is a per-batch counter
/// entity (row key <c>~judged</c>, after every run key) updated with ETag concurrency in the same entity
/// group transaction as the run's first write, so a sequence number is visible only together with its row.</remarks>
/// <param name="table">The <c>runs</c> table.</param>
/// <param name="aggregates">The <c>aggregates</c> container.</param>
public sealed class AzureResultStore(TableClient table, BlobContainerClient aggregates) : IResultStore
{
    private const string CounterKey = "~judged";

    /// <inheritdoc />
    /// <remarks>A first write takes the next judged sequence: counter update (ETag) and row insert commit
    /// together or not at all, and a lost race re-reads both; a rewrite keeps the row's sequence; a row of a
    /// run that will be retried (<see cref="RunRow.Retrying"/>) takes none.</remarks>
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
        while (true)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, ["JudgedSeq"], cancellationToken).ConfigureAwait(false);
            if (existing.HasValue && existing.Value?.GetInt64("JudgedSeq") is { } kept && !(row.JudgedAgain && !row.Retrying))
            {
                entity["JudgedSeq"] = kept;
                await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (row.Retrying)
            {
                // Not judged yet: no number. Conditional on what was read, so a number a concurrent final
                // write gave the row meanwhile is never dropped (the loop reads again and keeps it).
                try
                {
                    if (existing.HasValue && existing.Value is not null)
                    {
                        await table.UpdateEntityAsync(entity, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                    }

                    return;
                }
                catch (RequestFailedException ex) when (ex.Status is 409 or 412)
                {
                    continue;
                }
            }

            var counter = await table.GetEntityIfExistsAsync<TableEntity>(row.BatchId, CounterKey, ["Last"], cancellationToken).ConfigureAwait(false);
            var last = counter.HasValue && counter.Value is not null ? counter.Value.GetInt64("Last") ?? 0 : 0;
            var next = new TableEntity(row.BatchId, CounterKey) { ["Last"] = last + 1 };
            entity["JudgedSeq"] = last + 1;
            TableTransactionAction[] actions =
            [
                counter.HasValue && counter.Value is not null
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, next, counter.Value.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, next),
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity),
            ];
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another writer took the number first (maybe for this very run): read both again.
            }
        }
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
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {query.BatchId} and RowKey gt {RunKeys.Untoken(query.ContinuationToken)} and RowKey lt {CounterKey}");
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
    /// <remarks>The table service cannot sort by a property: the batch's rows after the cursor are read
    /// (only up to the counter's value read first, so a number is never skipped for a row not yet seen)
    /// and sorted here. Rows written before the judged order existed carry no sequence and are not listed.</remarks>
    public async Task<JudgedRunPage> QueryJudgedAsync(JudgedRunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        var after = JudgedCursor.Parse(query.After);
        var counter = await table.GetEntityIfExistsAsync<TableEntity>(query.BatchId, CounterKey, ["Last"], cancellationToken).ConfigureAwait(false);
        var upTo = counter.HasValue && counter.Value is not null ? counter.Value.GetInt64("Last") ?? 0 : 0;
        if (upTo <= after)
        {
            return new JudgedRunPage([], JudgedCursor.Of(after));
        }

        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {query.BatchId} and JudgedSeq gt {after} and JudgedSeq le {upTo}");
        if (query.TaskOrdinal is { } ordinal)
        {
            filter += " and " + TableClient.CreateQueryFilter($"TaskOrdinal eq {ordinal}");
        }

        if (query.Outcome is { } outcome)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Outcome eq {RunKeys.OutcomeName(outcome)}");
        }

        var found = new List<(long Sequence, TableEntity Entity)>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["JudgedSeq", "Row"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            found.Add((entity.GetInt64("JudgedSeq") ?? 0, entity));
        }

        var page = found.OrderBy(f => f.Sequence).Take(query.Limit).ToList();
        // Every row numbered up to the counter was visible to this read: with nothing left over, skip to it.
        var next = found.Count <= query.Limit ? upTo : page[^1].Sequence;
        return new JudgedRunPage([.. page.Select(f => RunKeys.Deserialize(f.Entity.GetBinary("Row")))], JudgedCursor.Of(next))
        {
            ItemCursors = [.. page.Select(f => JudgedCursor.Of(f.Sequence))],
        };
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
    /// <remarks>Versions are blobs <c>{batchId}/v{n}.json</c>, each written create-if-absent; version 1 is copied
    /// from <c>{batchId}.json</c> first, and that blob is then overwritten by the highest version.</remarks>
    public async Task PutAggregateVersionAsync(string batchId, int version, ReadOnlyMemory<byte> document, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 2);
        if (!await aggregates.GetBlobClient(VersionName(batchId, 1)).ExistsAsync(cancellationToken).ConfigureAwait(false)
            && await GetAggregateAsync(batchId, cancellationToken).ConfigureAwait(false) is { } original)
        {
            await CreateIfAbsentAsync(VersionName(batchId, 1), original, cancellationToken).ConfigureAwait(false);
        }

        await CreateIfAbsentAsync(VersionName(batchId, version), document, cancellationToken).ConfigureAwait(false);
        var highest = 0;
        await foreach (var blob in aggregates.GetBlobsAsync(BlobTraits.None, BlobStates.None, batchId + "/v", cancellationToken).ConfigureAwait(false))
        {
            if (int.TryParse(blob.Name.AsSpan()[(batchId.Length + 2)..^".json".Length], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                highest = Math.Max(highest, n);
            }
        }

        if (highest == version)
        {
            var stored = await GetAggregateVersionAsync(batchId, version, cancellationToken).ConfigureAwait(false);
            await PutAggregateAsync(batchId, stored ?? document, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<ReadOnlyMemory<byte>?> GetAggregateVersionAsync(string batchId, int version, CancellationToken cancellationToken = default)
    {
        try
        {
            var content = await aggregates.GetBlobClient(VersionName(batchId, version)).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return content.Value.Content.ToMemory();
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && version == 1)
        {
            // Version 1 is the aggregate itself until a rejudge saved it.
            return await GetAggregateAsync(batchId, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private static string VersionName(string batchId, int version) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{batchId}/v{version}.json");

    private async Task CreateIfAbsentAsync(string name, ReadOnlyMemory<byte> document, CancellationToken cancellationToken)
    {
        try
        {
            await aggregates.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(document),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Already stored: a version never changes.
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

        await foreach (var blob in aggregates.GetBlobsAsync(BlobTraits.None, BlobStates.None, batchId + "/", cancellationToken).ConfigureAwait(false))
        {
            await aggregates.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await aggregates.DeleteBlobIfExistsAsync(batchId + ".json", cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
