using Microsoft.Data.Sqlite;
using Orchestration.Activities.Stores;
using Orchestration.Domain.Judging;

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
            judged_seq INTEGER,
            PRIMARY KEY (batch_id, run_key)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS aggregates (
            batch_id TEXT PRIMARY KEY,
            document BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS aggregate_versions (
            batch_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            document BLOB NOT NULL,
            PRIMARY KEY (batch_id, version)
        ) WITHOUT ROWID;
        """;

    /// <summary>Brings a database created before the judged order up to date: adds the column, numbers
    /// the rows already there in run-key order, and indexes the order.</summary>
    private const string JudgedMigration = """
        ALTER TABLE runs ADD COLUMN judged_seq INTEGER;
        """;

    private const string JudgedBackfill = """
        UPDATE runs SET judged_seq = (
            SELECT n FROM (SELECT batch_id AS b, run_key AS k, ROW_NUMBER() OVER (PARTITION BY batch_id ORDER BY run_key) AS n FROM runs) AS numbered
            WHERE numbered.b = runs.batch_id AND numbered.k = runs.run_key)
        WHERE judged_seq IS NULL;
        CREATE INDEX IF NOT EXISTS runs_judged ON runs (batch_id, judged_seq);
        """;

    private readonly SqliteGroupCommit _runWrites = new(database, Schema);
    private readonly Lazy<Task> _migrated = new(() => MigrateAsync(database));

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
        return WriteAsync();

        async Task WriteAsync()
        {
            await _migrated.Value.ConfigureAwait(false);
            await _runWrites.ExecuteAsync(Prepare, cancellationToken).ConfigureAwait(false);
        }

        void Prepare(Microsoft.Data.Sqlite.SqliteCommand command)
        {
            // The judged sequence is taken inside the write transaction (SQLite has one writer), so the
            // order of sequences is the order rows become visible; a rewrite keeps its sequence (unless it judges
            // the run again: a rerun's), and the row of a run that will be retried gets none until its final row is written.
            command.CommandText = """
                    INSERT INTO runs (batch_id, run_key, task_ordinal, outcome, flags, row, judged_seq)
                    VALUES ($batch, $key, $ordinal, $outcome, $flags, $row,
                        CASE WHEN $retrying THEN NULL ELSE (SELECT COALESCE(MAX(judged_seq), 0) + 1 FROM runs WHERE batch_id = $batch) END)
                    ON CONFLICT (batch_id, run_key) DO UPDATE SET task_ordinal = excluded.task_ordinal, outcome = excluded.outcome,
                        flags = excluded.flags, row = excluded.row,
                        judged_seq = CASE WHEN $again THEN excluded.judged_seq ELSE COALESCE(runs.judged_seq, excluded.judged_seq) END
                    """;
            command.Parameters.AddWithValue("$batch", row.BatchId);
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$ordinal", row.TaskOrdinal);
            command.Parameters.AddWithValue("$outcome", outcome);
            command.Parameters.AddWithValue("$flags", flags);
            command.Parameters.AddWithValue("$row", json);
            command.Parameters.AddWithValue("$retrying", row.Retrying);
            command.Parameters.AddWithValue("$again", row.JudgedAgain && !row.Retrying);
        }
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
        TaskAndOutcome(command, where, query.TaskOrdinal, query.Outcome);

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

    // The task and outcome filters both queries share.
    private static void TaskAndOutcome(SqliteCommand command, List<string> where, int? taskOrdinal, RunOutcome? outcome)
    {
        if (taskOrdinal is { } ordinal)
        {
            where.Add("task_ordinal = $ordinal");
            command.Parameters.AddWithValue("$ordinal", ordinal);
        }

        if (outcome is { } value)
        {
            where.Add("outcome = $outcome");
            command.Parameters.AddWithValue("$outcome", RunKeys.OutcomeName(value));
        }
    }

    /// <inheritdoc />
    public async Task<JudgedRunPage> QueryJudgedAsync(JudgedRunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        var after = JudgedCursor.Parse(query.After);
        await _migrated.Value.ConfigureAwait(false);
        await using var connection = await database.OpenAsync(Schema, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = new List<string> { "batch_id = $batch", "judged_seq > $after" };
        command.Parameters.AddWithValue("$batch", query.BatchId);
        command.Parameters.AddWithValue("$after", after);
        TaskAndOutcome(command, where, query.TaskOrdinal, query.Outcome);

        command.CommandText = $"SELECT judged_seq, row FROM runs WHERE {string.Join(" AND ", where)} ORDER BY judged_seq LIMIT $limit";
        command.Parameters.AddWithValue("$limit", query.Limit);
        var rows = new List<RunRow>();
        var cursors = new List<string>();
        var last = after;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            last = reader.GetInt64(0);
            rows.Add(RunKeys.Deserialize((byte[])reader.GetValue(1)));
            cursors.Add(JudgedCursor.Of(last));
        }

        return new JudgedRunPage(rows, JudgedCursor.Of(last)) { ItemCursors = cursors };
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
    /// <remarks>One transaction: version 1 saved from the aggregate if no version is stored yet, the version
    /// inserted if absent, and the aggregate set to the highest version.</remarks>
    public async Task PutAggregateVersionAsync(string batchId, int version, ReadOnlyMemory<byte> document, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 2);
        await using var connection = await database.OpenAsync(Schema, cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO aggregate_versions (batch_id, version, document)
                SELECT batch_id, 1, document FROM aggregates
                WHERE batch_id = $batch AND NOT EXISTS (SELECT 1 FROM aggregate_versions WHERE batch_id = $batch);
            INSERT OR IGNORE INTO aggregate_versions (batch_id, version, document) VALUES ($batch, $version, $doc);
            INSERT INTO aggregates (batch_id, document)
                SELECT batch_id, document FROM aggregate_versions WHERE batch_id = $batch ORDER BY version DESC LIMIT 1
                ON CONFLICT (batch_id) DO UPDATE SET document = excluded.document;
            """;
        command.Parameters.AddWithValue("$batch", batchId);
        command.Parameters.AddWithValue("$version", version);
        command.Parameters.AddWithValue("$doc", document.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ReadOnlyMemory<byte>?> GetAggregateVersionAsync(string batchId, int version, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // Version 1 is the aggregate itself until a rejudge saved it.
        command.CommandText = """
            SELECT document FROM aggregate_versions WHERE batch_id = $batch AND version = $version
            UNION ALL
            SELECT document FROM aggregates WHERE batch_id = $batch AND $version = 1
                AND NOT EXISTS (SELECT 1 FROM aggregate_versions WHERE batch_id = $batch)
            LIMIT 1
            """;
        command.Parameters.AddWithValue("$batch", batchId);
        command.Parameters.AddWithValue("$version", version);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is byte[] document ? (ReadOnlyMemory<byte>?)document : null;
    }

    private static async Task MigrateAsync(SqliteDatabase database)
    {
        await using var connection = await database.OpenAsync(Schema).ConfigureAwait(false);
        // An immediate transaction: two processes opening an old file migrate it once, one after the other.
        await using var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('runs') WHERE name = 'judged_seq'";
        var present = Convert.ToInt64(await command.ExecuteScalarAsync().ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
        command.CommandText = (present ? "" : JudgedMigration) + JudgedBackfill;
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeleteBatchAsync(string batchId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM runs WHERE batch_id = $batch; DELETE FROM aggregates WHERE batch_id = $batch; DELETE FROM aggregate_versions WHERE batch_id = $batch;";
        command.Parameters.AddWithValue("$batch", batchId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
