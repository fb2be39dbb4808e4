using Microsoft.Data.Sqlite;
using Orchestration.Activities.Stores;
using Orchestration.Adapters.Stores;

namespace Orchestration.Activities.Tests.Stores;

public sealed class SqliteResultStoreTests : ResultStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("stores-").FullName;

    public SqliteResultStoreTests() => Store = new SqliteResultStore(new SqliteDatabase(Path.Combine(_folder, "stores.db")));

    protected override IResultStore Store { get; }

    [Fact]
    public async Task QueryJudged_DatabaseFromBeforeTheJudgedOrder_MigratedRowsFirstInKeyOrder()
    {
        var path = Path.Combine(_folder, "old.db");
        var old = new Orchestration.Activities.Stores.RunRow
        {
            BatchId = "old",
            TaskOrdinal = 0,
            TaskId = "t",
            RunIndex = 0,
            Outcome = Orchestration.Domain.Judging.RunOutcome.Passed,
            Flags = [],
            Attempts = 1,
            Execution = "e",
            AttemptLog = [],
        };
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE runs (batch_id TEXT NOT NULL, run_key TEXT NOT NULL, task_ordinal INTEGER NOT NULL, outcome TEXT NOT NULL,
                    flags TEXT NOT NULL, row BLOB NOT NULL, PRIMARY KEY (batch_id, run_key)) WITHOUT ROWID;
                INSERT INTO runs VALUES ('old', '00000-000001', 0, 'passed', '|', $one), ('old', '00000-000000', 0, 'passed', '|', $zero);
                """;
            command.Parameters.AddWithValue("$one", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(old with { RunIndex = 1 }, Orchestration.Domain.BatchJson.Options));
            command.Parameters.AddWithValue("$zero", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(old, Orchestration.Domain.BatchJson.Options));
            await command.ExecuteNonQueryAsync();
        }

        var store = new SqliteResultStore(new SqliteDatabase(path));
        await store.UpsertRunAsync(old with { RunIndex = 2 });
        await store.UpsertRunAsync(old with { RunIndex = 0, Attempts = 2 });
        var page = await store.QueryJudgedAsync(new JudgedRunQuery("old"));

        Assert.Equal([0, 1, 2], page.Items.Select(r => r.RunIndex));
        Assert.Equal(2, page.Items[0].Attempts);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
