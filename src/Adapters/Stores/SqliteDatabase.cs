using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Orchestration.Adapters.Stores;

/// <summary>Opens connections to the stores' SQLite file with WAL and full fsync, creating each store's
/// schema once per process.</summary>
/// <remarks>A connection per operation (the provider pools them); WAL lets status reads run while a run
/// row is written; <c>synchronous=FULL</c> because a stored batch or run row must survive a power cut.</remarks>
/// <param name="path">The file (created when missing).</param>
public sealed class SqliteDatabase(string path)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    private readonly ConcurrentDictionary<string, Lazy<Task>> _schemas = new(StringComparer.Ordinal);

    /// <summary>Opens a connection, first making sure <paramref name="schema"/> has been applied.</summary>
    /// <param name="schema"><c>CREATE ... IF NOT EXISTS</c> statements of the calling store.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>An open connection.</returns>
    public async Task<SqliteConnection> OpenAsync(string schema, CancellationToken cancellationToken = default)
    {
        await _schemas.GetOrAdd(schema, s => new Lazy<Task>(() => ApplyAsync(s))).Value.ConfigureAwait(false);
        return await OpenRawAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var pragma = connection.CreateCommand();
        // temp_store=MEMORY: the statement journals of grouped writes' savepoints stay in memory (see SqliteGroupCommit).
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA temp_store=MEMORY;";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private async Task ApplyAsync(string schema)
    {
        await using var connection = await OpenRawAsync(CancellationToken.None).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = schema;
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
