using Orchestration.Domain;

namespace Orchestration.Activities.Stores;

/// <summary>Stores batch documents with their hash, nonce and status (Azure Table + Blob, or SQLite).</summary>
/// <remarks>Lists filter on status here so that the durable backend is never scanned for them.
/// Every write is safe to repeat: activities run at least once.</remarks>
public interface IBatchStore
{
    /// <summary>Stores a batch unless one with its id exists; tells a repeat (same hash) from a conflict.</summary>
    /// <param name="batch">The batch to store.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What happened and the batch now stored.</returns>
    Task<BatchInsertResult> InsertIfAbsentAsync(StoredBatch batch, CancellationToken cancellationToken = default);

    /// <summary>Reads a batch with its document.</summary>
    /// <param name="batchId">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The batch, or null.</returns>
    Task<StoredBatch?> GetAsync(string batchId, CancellationToken cancellationToken = default);

    /// <summary>Lists batches without their documents.</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One page.</returns>
    Task<BatchPage> ListAsync(BatchQuery query, CancellationToken cancellationToken = default);

    /// <summary>Sets a batch's status and reason.</summary>
    /// <param name="batchId">The id.</param>
    /// <param name="status">The new status.</param>
    /// <param name="reason">Why, for failed or cancelled batches.</param>
    /// <param name="at">When.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when no such batch exists.</returns>
    Task<bool> SetStatusAsync(string batchId, BatchStatus status, string? reason, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Moves a finished batch back to running for a rerun (<see cref="BatchStatusRules.CanReopen"/>): only
    /// when its status is final and was last written no later than <paramref name="requestedAt"/>, so a late repeat of
    /// the rerun's own step, after the rerun ended, changes nothing. The reason is cleared.</summary>
    /// <param name="batchId">The id.</param>
    /// <param name="requestedAt">When the rerun was asked for.</param>
    /// <param name="at">When.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the batch is running now (moved, or already running).</returns>
    Task<bool> ReopenAsync(string batchId, DateTimeOffset requestedAt, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Deletes a batch and its document.</summary>
    /// <param name="batchId">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when it did not exist.</returns>
    Task<bool> DeleteAsync(string batchId, CancellationToken cancellationToken = default);
}
