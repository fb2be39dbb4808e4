using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Orchestration.Adapters.Stores;

/// <summary>Groups writes to the stores' database into shared transactions: the write queue commits what
/// has accumulated in one transaction, so one fsync acknowledges many writes (the engine groups its
/// commits the same way).</summary>
/// <remarks>No thread of its own: a caller that finds no commit under way becomes the writer and commits
/// every queued write, its own included, until the queue is empty; callers that arrive meanwhile wait
/// for the writer's next round. A caller's task completes only after the transaction holding its write
/// has committed (or fails with that transaction's error), so a completed write is as durable as an
/// ungrouped one. Each write runs in a savepoint, so one that fails is rolled back and reported alone.</remarks>
/// <param name="database">The stores' database.</param>
/// <param name="schema">The schema of the store the writes belong to.</param>
internal sealed class SqliteGroupCommit(SqliteDatabase database, string schema)
{
    /// <summary>Most writes in one transaction, so that one round does not hold the writer for long.</summary>
    private const int MaxWritesPerCommit = 1000;

    private readonly ConcurrentQueue<Write> _queue = new();
    private int _writing;
    private long _commits;

    /// <summary>Transactions committed so far.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Writes queued and not yet taken by a commit round.</summary>
    public int Pending => _queue.Count;

    /// <summary>Queues one write and waits until the transaction holding it has committed.</summary>
    /// <param name="prepare">Sets the command's text and parameters; runs on the writer.</param>
    /// <param name="cancellationToken">Stops the wait; a write already queued may still commit.</param>
    /// <returns>A task that completes once the write is durable.</returns>
    public async Task ExecuteAsync(Action<SqliteCommand> prepare, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var write = new Write(prepare);
        _queue.Enqueue(write);
        await DrainAsync().ConfigureAwait(false);
        await write.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task DrainAsync()
    {
        // Re-check after letting go: a write queued while the last round committed found the writer busy
        // and relies on this loop to pick it up.
        while (!_queue.IsEmpty && Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            try
            {
                var round = new List<Write>();
                while (round.Count < MaxWritesPerCommit && _queue.TryDequeue(out var write))
                {
                    round.Add(write);
                }

                await CommitAsync(round).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Exchange(ref _writing, 0);
            }
        }
    }

    private async Task CommitAsync(List<Write> round)
    {
        var errors = new Exception?[round.Count];
        try
        {
            await using var connection = await database.OpenAsync(schema).ConfigureAwait(false);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using var savepoint = connection.CreateCommand();
            savepoint.Transaction = transaction;
            for (var i = 0; i < round.Count; i++)
            {
                savepoint.CommandText = "SAVEPOINT write";
                await savepoint.ExecuteNonQueryAsync().ConfigureAwait(false);
                try
                {
                    await using var command = connection.CreateCommand();
                    command.Transaction = transaction;
                    round[i].Prepare(command);
                    await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                    savepoint.CommandText = "RELEASE write";
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    errors[i] = ex;
                    savepoint.CommandText = "ROLLBACK TO write; RELEASE write";
                }

                await savepoint.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            await transaction.CommitAsync().ConfigureAwait(false);
            Interlocked.Increment(ref _commits);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            foreach (var write in round)
            {
                write.Completion.TrySetException(ex);
            }

            return;
        }

        for (var i = 0; i < round.Count; i++)
        {
            if (errors[i] is { } error)
            {
                round[i].Completion.TrySetException(error);
            }
            else
            {
                round[i].Completion.TrySetResult();
            }
        }
    }

    private sealed class Write(Action<SqliteCommand> prepare)
    {
        public Action<SqliteCommand> Prepare { get; } = prepare;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
