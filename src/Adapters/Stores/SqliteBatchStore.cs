using Microsoft.Data.Sqlite;
using Orchestration.Activities.Stores;
using Orchestration.Domain;

namespace Orchestration.Adapters.Stores;

/// <summary>The batch store of the standalone host, in SQLite.</summary>
/// <param name="database">The stores' database.</param>
public sealed class SqliteBatchStore(SqliteDatabase database) : IBatchStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS batches (
            id TEXT PRIMARY KEY,
            hash TEXT NOT NULL,
            nonce TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            total_runs INTEGER NOT NULL,
            document BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS batches_status ON batches (status, id);
        """;

    private const string Columns = "id, hash, nonce, status, reason, created_at, updated_at, total_runs";

    /// <inheritdoc />
    public async Task<BatchInsertResult> InsertIfAbsentAsync(StoredBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await using var connection = await database.OpenAsync(Schema, cancellationToken).ConfigureAwait(false);
        await using var insert = connection.CreateCommand();
        insert.CommandText = $"INSERT OR IGNORE INTO batches ({Columns}, document) VALUES ($id, $hash, $nonce, $status, $reason, $created, $updated, $runs, $document)";
        insert.Parameters.AddWithValue("$id", batch.Id);
        insert.Parameters.AddWithValue("$hash", batch.Hash);
        insert.Parameters.AddWithValue("$nonce", batch.Nonce);
        insert.Parameters.AddWithValue("$status", BatchStatusRules.Name(batch.Status));
        insert.Parameters.AddWithValue("$reason", (object?)batch.Reason ?? DBNull.Value);
        insert.Parameters.AddWithValue("$created", batch.CreatedAt.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$updated", batch.UpdatedAt.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$runs", batch.TotalRuns);
        insert.Parameters.AddWithValue("$document", batch.Document.ToArray());
        var inserted = await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        if (inserted)
        {
            return new BatchInsertResult(BatchInsertOutcome.Inserted, batch);
        }

        var existing = await ReadAsync(connection, batch.Id, withDocument: true, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Batch '{batch.Id}' was neither inserted nor found.");
        var outcome = existing.Hash == batch.Hash && existing.Status != BatchStatus.Purging
            ? BatchInsertOutcome.AlreadyExists
            : BatchInsertOutcome.Conflict;
        return new BatchInsertResult(outcome, existing);
    }

    /// <inheritdoc />
    public async Task<StoredBatch?> GetAsync(string batchId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, batchId, withDocument: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<BatchPage> ListAsync(BatchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1);
        await using var connection = await database.OpenAsync(Schema, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = new List<string> { "id > $after" };
        command.Parameters.AddWithValue("$after", RunKeys.Untoken(query.ContinuationToken));
        if (query.Statuses is { Count: > 0 } statuses)
        {
            var names = statuses.Select((s, i) => $"$s{i}").ToList();
            where.Add($"status IN ({string.Join(", ", names)})");
            for (var i = 0; i < statuses.Count; i++)
            {
                command.Parameters.AddWithValue(names[i], BatchStatusRules.Name(statuses[i]));
            }
        }

        if (query.CreatedFrom is { } from)
        {
            where.Add("created_at >= $from");
            command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        }

        if (query.CreatedTo is { } to)
        {
            where.Add("created_at < $to");
            command.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
        }

        // The labels without the document: SQLite's JSON functions read them from the stored text.
        command.CommandText = $"SELECT {Columns}, json_extract(CAST(document AS TEXT), '$.labels') FROM batches WHERE {string.Join(" AND ", where)} ORDER BY id LIMIT $limit";
        command.Parameters.AddWithValue("$limit", query.PageSize + 1);
        var items = new List<StoredBatch>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var labels = await reader.IsDBNullAsync(8, cancellationToken).ConfigureAwait(false) ? null : reader.GetString(8);
            items.Add(Map(reader, withDocument: false) with { Labels = BatchLabels.Parse(labels) });
        }

        if (items.Count <= query.PageSize)
        {
            return new BatchPage(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new BatchPage(items, RunKeys.Token(items[^1].Id));
    }

    /// <inheritdoc />
    public async Task<bool> SetStatusAsync(string batchId, BatchStatus status, string? reason, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await ChangeStatusAsync(batchId, current => BatchStatusRules.CanMove(current.Status, status), status, reason, at, cancellationToken).ConfigureAwait(false) is not null;

    /// <inheritdoc />
    public async Task<bool> ReopenAsync(string batchId, DateTimeOffset requestedAt, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        (await ChangeStatusAsync(batchId, current => BatchStatusRules.CanReopen(current.Status, current.UpdatedAt, requestedAt), BatchStatus.Running, null, at, cancellationToken)
            .ConfigureAwait(false))?.Status == BatchStatus.Running;

    // Sets the status and reason in one transaction when allowed by what is stored; the status now, or null for no batch.
    private async Task<StoredBatch?> ChangeStatusAsync(
        string batchId, Func<StoredBatch, bool> allowed, BatchStatus status, string? reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var current = await ReadAsync(connection, batchId, withDocument: false, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return null;
        }

        if (allowed(current))
        {
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE batches SET status = $status, reason = $reason, updated_at = $at WHERE id = $id";
            update.Parameters.AddWithValue("$status", BatchStatusRules.Name(status));
            update.Parameters.AddWithValue("$reason", (object?)reason ?? DBNull.Value);
            update.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$id", batchId);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            current = current with { Status = status };
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return current;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string batchId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM batches WHERE id = $id";
        command.Parameters.AddWithValue("$id", batchId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static async Task<StoredBatch?> ReadAsync(SqliteConnection connection, string batchId, bool withDocument, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns}{(withDocument ? ", document" : "")} FROM batches WHERE id = $id";
        command.Parameters.AddWithValue("$id", batchId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Map(reader, withDocument) : null;
    }

    private static StoredBatch Map(SqliteDataReader reader, bool withDocument) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        BatchStatusRules.Parse(reader.GetString(3)),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        reader.GetInt32(7),
        withDocument ? (byte[])reader.GetValue(8) : ReadOnlyMemory<byte>.Empty);
}
