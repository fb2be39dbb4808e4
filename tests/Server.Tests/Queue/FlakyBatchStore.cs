using Microsoft.Data.Sqlite;
using Orchestration.Activities.Stores;
using Orchestration.Domain;

namespace Orchestration.Server.Tests.Queue;

/// <summary>The real SQLite batch store, whose first <c>failures</c> inserts fail as a locked database
/// does: a failure that may pass, so the message must be delivered again.</summary>
public sealed class FlakyBatchStore(IBatchStore inner, int failures) : IBatchStore
{
    private int _inserts;

    /// <summary>Insert attempts so far, failed or not.</summary>
    public int Inserts => Volatile.Read(ref _inserts);

    public Task<BatchInsertResult> InsertIfAbsentAsync(StoredBatch batch, CancellationToken cancellationToken = default) =>
        Interlocked.Increment(ref _inserts) <= failures
            ? throw new SqliteException("SQLite Error 5: 'database is locked'.", 5)
            : inner.InsertIfAbsentAsync(batch, cancellationToken);

    public Task<StoredBatch?> GetAsync(string batchId, CancellationToken cancellationToken = default) => inner.GetAsync(batchId, cancellationToken);

    public Task<BatchPage> ListAsync(BatchQuery query, CancellationToken cancellationToken = default) => inner.ListAsync(query, cancellationToken);

    public Task<bool> SetStatusAsync(string batchId, BatchStatus status, string? reason, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        inner.SetStatusAsync(batchId, status, reason, at, cancellationToken);

    public Task<bool> ReopenAsync(string batchId, DateTimeOffset requestedAt, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        inner.ReopenAsync(batchId, requestedAt, at, cancellationToken);

    public Task<bool> DeleteAsync(string batchId, CancellationToken cancellationToken = default) => inner.DeleteAsync(batchId, cancellationToken);
}
