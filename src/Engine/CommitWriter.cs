using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Orchestration.Engine;

/// <summary>The single writer: takes every queued write operation into one transaction (group commit).</summary>
/// <remarks>One fsync then acknowledges many work items. Each operation runs inside a savepoint, so one
/// failing operation is rolled back alone and reported to its caller while the others commit.</remarks>
internal sealed class CommitWriter : IAsyncDisposable
{
    private readonly Channel<Operation> _channel = Channel.CreateUnbounded<Operation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly WriteBatch _batch;
    private readonly int _maxOperations;
    private readonly long? _killAfterCommit;
    private readonly Action<WriteBatch> _afterCommit;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private long _commits;

    public CommitWriter(string connectionString, int maxOperations, long? killAfterCommit, Action<WriteBatch> afterCommit, ILogger logger)
    {
        _connection = EngineDatabase.Open(connectionString);
        EngineDatabase.Initialize(_connection);
        _batch = new WriteBatch(_connection);
        _maxOperations = maxOperations;
        _killAfterCommit = killAfterCommit;
        _afterCommit = afterCommit;
        _logger = logger;
        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Durable commits so far.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    public Task<T> ExecuteAsync<T>(Func<WriteBatch, T> apply)
    {
        var operation = new Operation(b => apply(b));
        if (!_channel.Writer.TryWrite(operation))
        {
            throw new ObjectDisposedException(nameof(CommitWriter), "The engine is stopped.");
        }

        return operation.Completion.Task.ContinueWith(
            static t => (T)t.GetAwaiter().GetResult()!, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public Task ExecuteAsync(Action<WriteBatch> apply)
        => ExecuteAsync<object?>(b =>
        {
            apply(b);
            return null;
        });

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _loop;
        _batch.Dispose();
        await _connection.DisposeAsync();
    }

    private void Run()
    {
        var operations = new List<Operation>();
        var reader = _channel.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            operations.Clear();
            while (operations.Count < _maxOperations && reader.TryRead(out var op))
            {
                operations.Add(op);
            }

            Commit(operations);
        }
    }

    private void Commit(List<Operation> operations)
    {
        _batch.Reset();
        var results = new object?[operations.Count];
        var errors = new Exception?[operations.Count];
        try
        {
            using var transaction = _connection.BeginTransaction();
            _batch.Transaction = transaction;
            for (var i = 0; i < operations.Count; i++)
            {
                _batch.Execute("SAVEPOINT op");
                try
                {
                    results[i] = operations[i].Apply(_batch);
                    _batch.Execute("RELEASE op");
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    _batch.Execute("ROLLBACK TO op");
                    _batch.Execute("RELEASE op");
                    errors[i] = ex;
                }
            }

            transaction.Commit();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Logs.CommitFailed(_logger, operations.Count, ex);
            foreach (var op in operations)
            {
                op.Completion.TrySetException(ex);
            }

            return;
        }
        finally
        {
            _batch.Transaction = null;
        }

        var commit = Interlocked.Increment(ref _commits);
        if (_killAfterCommit == commit)
        {
            Console.Out.WriteLine($"KILLED after commit {commit}");
            Console.Out.Flush();
            Process.GetCurrentProcess().Kill();
        }

        for (var i = 0; i < operations.Count; i++)
        {
            if (errors[i] is { } error)
            {
                operations[i].Completion.TrySetException(error);
            }
            else
            {
                operations[i].Completion.TrySetResult(results[i]);
            }
        }

        _afterCommit(_batch);
    }

    private sealed class Operation(Func<WriteBatch, object?> apply)
    {
        public Func<WriteBatch, object?> Apply { get; } = apply;

        public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
