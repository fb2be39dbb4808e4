using Microsoft.Data.Sqlite;
using Orchestration.Adapters.Stores;
using Orchestration.Tests.Waiting;

namespace Orchestration.Activities.Tests.Stores;

public sealed class SqliteGroupCommitTests : IDisposable
{
    private const string Schema = "CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, value TEXT NOT NULL);";

    private readonly string _folder = Directory.CreateTempSubdirectory("group-commit-").FullName;
    private readonly SqliteDatabase _database;
    private readonly SqliteGroupCommit _writes;

    public SqliteGroupCommitTests()
    {
        _database = new SqliteDatabase(Path.Combine(_folder, "stores.db"));
        _writes = new SqliteGroupCommit(_database, Schema);
    }

    [Fact]
    public async Task ExecuteAsync_WritesQueuedDuringACommit_CommittedTogetherAndEachReadableWhenItsTaskCompletes()
    {
        // Arrange: the first write holds its commit open until the others have queued behind it.
        using var gate = new SemaphoreSlim(0);
        var committing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Task.Run(() => _writes.ExecuteAsync(command =>
        {
            committing.SetResult();
            Assert.True(gate.Wait(TimeSpan.FromMinutes(1)), "the test released the held write");
            Insert(command, 0, "first");
        }));
        await committing.Task;
        var others = Enumerable.Range(1, 199).Select(i => Task.Run(async () =>
        {
            await _writes.ExecuteAsync(command => Insert(command, i, "v" + i));
            return await ReadAsync(i);
        })).ToList();
        await Eventually.HoldsAsync(() => _writes.Pending == 199, "199 writes queued behind the first");

        // Act
        gate.Release();
        await first;
        var seen = await Task.WhenAll(others);

        // Assert: two transactions for 200 writes, and every write was on disk when its caller went on.
        Assert.Equal(2, _writes.Commits);
        Assert.Equal(Enumerable.Range(1, 199).Select(i => "v" + i), seen);
        Assert.Equal("first", await ReadAsync(0));
    }

    [Fact]
    public async Task ExecuteAsync_OneWriteOfAGroupFails_OnlyThatCallerFailsAndTheOthersCommit()
    {
        // Arrange: three writes queued behind a held one, so that all three share the next transaction.
        using var gate = new SemaphoreSlim(0);
        var committing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Task.Run(() => _writes.ExecuteAsync(command =>
        {
            committing.SetResult();
            Assert.True(gate.Wait(TimeSpan.FromMinutes(1)), "the test released the held write");
            Insert(command, 0, "first");
        }));
        await committing.Task;
        var before = Task.Run(() => _writes.ExecuteAsync(command => Insert(command, 1, "before")));
        await Eventually.HoldsAsync(() => _writes.Pending == 1, "the write before the failing one queued");
        var failing = Task.Run(() => _writes.ExecuteAsync(command => Insert(command, 0, "duplicate key")));
        await Eventually.HoldsAsync(() => _writes.Pending == 2, "the failing write queued");
        var after = Task.Run(() => _writes.ExecuteAsync(command => Insert(command, 2, "after")));
        await Eventually.HoldsAsync(() => _writes.Pending == 3, "the write after the failing one queued");

        // Act
        gate.Release();
        await first;

        // Assert
        await before;
        await after;
        await Assert.ThrowsAsync<SqliteException>(() => failing);
        Assert.Equal(2, _writes.Commits);
        Assert.Equal("first", await ReadAsync(0));
        Assert.Equal("before", await ReadAsync(1));
        Assert.Equal("after", await ReadAsync(2));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static void Insert(SqliteCommand command, int id, string value)
    {
        command.CommandText = "INSERT INTO items (id, value) VALUES ($id, $value)";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$value", value);
    }

    // A connection of its own, opened after the write's task completed: sees only what was committed.
    private async Task<string?> ReadAsync(int id)
    {
        await using var connection = await _database.OpenAsync(Schema);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM items WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteScalarAsync() as string;
    }
}
