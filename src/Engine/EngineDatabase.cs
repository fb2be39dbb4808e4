using Microsoft.Data.Sqlite;

namespace Orchestration.Engine;

/// <summary>The engine's SQLite file: connection settings and schema.</summary>
/// <remarks>WAL with <c>synchronous=FULL</c>: a commit is on disk when it returns, so a crash at any instant
/// loses nothing that was acknowledged. One writer connection (group commit); readers use their own.</remarks>
internal static class EngineDatabase
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS instances(
          instance_id TEXT NOT NULL PRIMARY KEY,
          name TEXT NOT NULL,
          execution_id TEXT NOT NULL,
          status INTEGER NOT NULL,
          input TEXT, output TEXT, custom_status TEXT, failure TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          parent_instance_id TEXT, parent_execution_id TEXT, parent_task_id INTEGER);
        CREATE INDEX IF NOT EXISTS ix_instances_parent ON instances(parent_instance_id) WHERE parent_instance_id IS NOT NULL;
        CREATE TABLE IF NOT EXISTS history(
          instance_id TEXT NOT NULL, seq INTEGER NOT NULL, kind INTEGER NOT NULL, task_id INTEGER NOT NULL,
          name TEXT, data TEXT, extra TEXT, ts INTEGER NOT NULL,
          PRIMARY KEY(instance_id, seq)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS inbox(
          id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, execution_id TEXT,
          kind INTEGER NOT NULL, task_id INTEGER NOT NULL, name TEXT, data TEXT, extra TEXT, visible_at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_inbox_visible ON inbox(visible_at);
        CREATE INDEX IF NOT EXISTS ix_inbox_instance ON inbox(instance_id);
        CREATE TABLE IF NOT EXISTS activities(
          id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, execution_id TEXT NOT NULL,
          task_id INTEGER NOT NULL, name TEXT NOT NULL, input TEXT);
        CREATE INDEX IF NOT EXISTS ix_activities_instance ON activities(instance_id);
        """;

    public static string ConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // temp_store=MEMORY keeps the statement journal of each operation's savepoint in memory: a group
        // commit's savepoints otherwise spill it to a temp file, several writes per work item (the journal
        // only serves a rollback inside the open transaction, so it never has to reach the disk).
        pragma.CommandText = "PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    public static void Initialize(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
        command.CommandText = Schema;
        command.ExecuteNonQuery();
    }
}
