namespace Orchestration.Activities.Stores;

/// <summary>Keeps per-run result rows and each batch's aggregate document (Azure Table + Blob, or SQLite).</summary>
/// <remarks>Rows are upserted by run key, so an activity that runs twice writes one row: a run is never
/// counted twice however often its result is collected.</remarks>
public interface IResultStore
{
    /// <summary>Writes a run's row, replacing any row of the same run.</summary>
    /// <param name="row">The row.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task UpsertRunAsync(RunRow row, CancellationToken cancellationToken = default);

    /// <summary>Reads one run's row.</summary>
    /// <param name="batchId">The batch.</param>
    /// <param name="taskOrdinal">The task's ordinal.</param>
    /// <param name="runIndex">The run index.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The row, or null.</returns>
    Task<RunRow?> GetRunAsync(string batchId, int taskOrdinal, int runIndex, CancellationToken cancellationToken = default);

    /// <summary>Lists rows with filters and paging.</summary>
    /// <param name="query">The query.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One page.</returns>
    Task<RunPage> QueryRunsAsync(RunQuery query, CancellationToken cancellationToken = default);

    /// <summary>Lists a batch's runs judged after a cursor, in the order they were judged.</summary>
    /// <remarks>The order is a per-batch sequence assigned when a run's row is first written (rows are
    /// written only once a run is judged for good), and kept when the same row is written again; so a
    /// client paging with <see cref="JudgedRunPage.Next"/> through a running batch sees every run once.</remarks>
    /// <param name="query">The query.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The rows and the next cursor.</returns>
    /// <exception cref="ArgumentException">The cursor is not valid.</exception>
    Task<JudgedRunPage> QueryJudgedAsync(JudgedRunQuery query, CancellationToken cancellationToken = default);

    /// <summary>Stores a batch's aggregate document (JSON), replacing any earlier one.</summary>
    /// <param name="batchId">The batch.</param>
    /// <param name="document">The aggregate as UTF-8 JSON.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task PutAggregateAsync(string batchId, ReadOnlyMemory<byte> document, CancellationToken cancellationToken = default);

    /// <summary>Reads a batch's aggregate document.</summary>
    /// <param name="batchId">The batch.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The JSON, or null before PersistAggregate wrote it.</returns>
    Task<ReadOnlyMemory<byte>?> GetAggregateAsync(string batchId, CancellationToken cancellationToken = default);

    /// <summary>Stores aggregate version <paramref name="version"/> (2 and up: a rejudge's) of a batch. The first
    /// time, the aggregate the batch ended with is kept as version 1; the stored aggregate
    /// (<see cref="GetAggregateAsync"/>) becomes this version when it is the highest. A version already stored is
    /// kept as it is (a repeated write is a no-op).</summary>
    /// <param name="batchId">The batch.</param>
    /// <param name="version">The version, from 2.</param>
    /// <param name="document">The aggregate as UTF-8 JSON.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task PutAggregateVersionAsync(string batchId, int version, ReadOnlyMemory<byte> document, CancellationToken cancellationToken = default);

    /// <summary>Reads one aggregate version: 1 is the aggregate the batch ended with.</summary>
    /// <param name="batchId">The batch.</param>
    /// <param name="version">The version, from 1.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The JSON, or null when there is no such version.</returns>
    Task<ReadOnlyMemory<byte>?> GetAggregateVersionAsync(string batchId, int version, CancellationToken cancellationToken = default);

    /// <summary>Deletes every row, the aggregate and its versions of a batch (purge).</summary>
    /// <param name="batchId">The batch.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task DeleteBatchAsync(string batchId, CancellationToken cancellationToken = default);
}
