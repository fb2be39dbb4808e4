using Orchestration.Activities.Stores;

namespace Orchestration.Adapters.Stores;

/// <summary>The result store of the standalone host, in SQLite.</summary>
/// <param name="database">The stores' database.</param>
public sealed class SqliteResultStore(SqliteDatabase database) : IResultStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS runs (
            batch_id TEXT NOT NULL,
            run_key TEXT NOT NULL,
            task_ordinal INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            flags TEXT NOT NULL,
            row BLOB NOT NULL,
            PRIMARY KEY (batch_id, run_key)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS aggregates (
            batch_id TEXT PRIMARY KEY,
            document BLOB NOT NULL
        ) WITHOUT ROWID;
        """;

    private readonly SqliteGroupCommit _runWrites = new(database, Schema);

    /// <inheritdoc />
    /// <remarks>Grouped: run rows written at the same time share one transaction (and one fsync); the task
    /// completes once the row's transaction has committed.</remarks>
    public Task UpsertRunAsync(RunRow row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        var key = RunKeys.Of(row.TaskOrdinal, row.RunIndex);
        var outcome = RunKeys.OutcomeName(row.Outcome);
        var flags = RunKeys.FlagList(row.Flags);
        var json = RunKeys.Serialize(row);
        return _runWrites.ExecuteAsync(
            command =>
            {
                command.CommandText = """
                    INSERT INTO runs (batch_id, run_key, task_ordinal, outcome, flags, row) VALUES ($batch, $key, $ordinal, $outcome, $flags, $row)
                    ON CONFLICT (batch_id, run_key) DO UPDATE SET task_ordinal = excluded.task_ordinal, outcome = excluded.outcome,
                        flags = excluded.flags, row = excluded.row
                    """;
                command.Parameters.AddWithValue("$batch", row.BatchId);
                command.Parameters.AddWithValue("$key", key);
                command.Parameters.AddWithValue("$ordinal", row.TaskOrdinal);
                command.Parameters.AddWithValue("$outcome", outcome);
                command.Parameters.AddWithValue("$flags", flags);
                command.Parameters.AddWithValue("$row", json);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RunRow?> GetRunAsync(string batchId, int taskOrdinal, int runIndex, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT row FROM runs WHERE batch_id = $batch AND run_key = $key";
        command.Parameters.AddWithValue("$batch", batchId);
        command.Parameters.AddWithValue("$key", RunKeys.Of(taskOrdinal, runIndex));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is byte[] json ? RunKeys.Deserialize(json) : null;
    }

    /// <inheritdoc />
    public async Task<RunPage> QueryRunsAsync(RunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1);
        await using var connection = await database.OpenAsync(Schema, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = new List<string> { "batch_id = $batch", "run_key > $after" };
        command.Parameters.AddWithValue("$batch", query.BatchId);
        command.Parameters.AddWithValue("$after", RunKeys.Untoken(query.ContinuationToken));
        if (query.TaskOrdinal is { } ordinal)
        {
            where.Add("task_ordinal = $ordinal");
            command.Parameters.AddWithValue("$ordinal", ordinal);
        }

        if (query.Outcome is { } outcome)
        {
            where.Add("outcome = $outcome");
            command.Parameters.AddWithValue("$outcome", RunKeys.OutcomeName(outcome));
        }

        if (query.Flag is { } flag)
        {
            where.Add("instr(flags, $flag) > 0");
            command.Parameters.AddWithValue("$flag", "|" + flag + "|");
        }

        command.CommandText = $"SELECT run_key, row FROM runs WHERE {string.Join(" AND ", where)} ORDER BY run_key LIMIT $limit";
        command.Parameters.AddWithValue("$limit", query.PageSize + 1);
        var rows = new List<(string Key, RunRow Row)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add((reader.GetString(0), RunKeys.Deserialize((byte[])reader.GetValue(1))));
        }

        var more = rows.Count > query.PageSize;
        var page = rows.Take(query.PageSize).ToList();
        return new RunPage([.. page.Select(r => r.Row)], more ? RunKeys.Token(page[^1].Key) : null);
    }

    /// <inheritdoc />
    public async Task PutAggregateAsync(string batchId, ReadOnlyMemory<byte> document, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO aggregates (batch_id, document) VALUES ($batch, $doc) ON CONFLICT (batch_id) DO UPDATE SET document = excluded.document";
        command.Parameters.AddWithValue("$batch", batchId);
        command.Parameters.AddWithValue("$doc", document.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ReadOnlyMemory<byte>?> GetAggregateAsync(string batchId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT document FROM aggregates WHERE batch_id = $batch";
        command.Parameters.AddWithValue("$batch", batchId);
        var document = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
        if (document is null)
        {
            return null;
        }

        return document;
    }

    /// <inheritdoc />
    public async Task DeleteBatchAsync(string batchId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM runs WHERE batch_id = $batch; DELETE FROM aggregates WHERE batch_id = $batch;";
        command.Parameters.AddWithValue("$batch", batchId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
