using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Specs;
using Orchestration.Durable;

namespace Orchestration.Workflows.Service;

/// <summary>Cancel, purge and list.</summary>
public sealed partial class BatchService
{
    /// <summary>Asks a pending or running batch to stop; finished batches refuse.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Accepted, not found, or conflict for a finished batch.</returns>
    public async Task<BatchActionResult> CancelAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var stored = await batches.GetAsync(batchId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return BatchActionResult.NotFound;
        }

        var instance = await client.GetInstanceAsync(batchId, cancellationToken).ConfigureAwait(false);
        if (BatchStatusRules.IsFinished(stored.Status) || stored.Status == BatchStatus.Purging || instance?.IsCompleted == true)
        {
            return BatchActionResult.Conflict;
        }

        if (instance is null)
        {
            // Stored but never scheduled (a crash between the two): schedule it so it can end as cancelled.
            await EnsureScheduledAsync(batchId, cancellationToken).ConfigureAwait(false);
        }

        await client.RaiseEventAsync(batchId, Events.Cancel, "cancel", cancellationToken).ConfigureAwait(false);
        Logs.CancelRequested(logger, batchId);
        return BatchActionResult.Accepted;
    }

    /// <summary>Purges a finished batch: its orchestrations' history, its rows and aggregate, its objects
    /// under <c>runs/{batchId}/{nonce}/</c>, and finally its record. The id answers conflict until done.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="cancellationToken">Cancels the call (not the purge once started).</param>
    /// <returns>Accepted, not found, or conflict for an unfinished batch.</returns>
    public async Task<BatchActionResult> PurgeAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var stored = await batches.GetAsync(batchId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return BatchActionResult.NotFound;
        }

        var instance = await client.GetInstanceAsync(batchId, cancellationToken).ConfigureAwait(false);
        var finished = BatchStatusRules.IsFinished(stored.Status) || instance?.IsCompleted == true;
        if (!finished && stored.Status != BatchStatus.Purging)
        {
            return BatchActionResult.Conflict;
        }

        await batches.SetStatusAsync(batchId, BatchStatus.Purging, stored.Reason, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        _ = Task.Run(() => PurgeNowAsync(stored, CancellationToken.None), CancellationToken.None);
        return BatchActionResult.Accepted;
    }

    /// <summary>Lists batches from the batch store (never the durable backend).</summary>
    /// <param name="query">Status filter, time range and paging.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One page.</returns>
    public Task<BatchPage> ListAsync(BatchQuery query, CancellationToken cancellationToken = default) => batches.ListAsync(query, cancellationToken);

    private async Task PurgeNowAsync(StoredBatch stored, CancellationToken cancellationToken)
    {
        try
        {
            if (await client.GetInstanceAsync(stored.Id, cancellationToken).ConfigureAwait(false) is not null)
            {
                await client.PurgeInstanceAsync(stored.Id, new PurgeInstanceOptions(Recursive: true), cancellationToken).ConfigureAwait(false);
            }

            await objects.DeleteByPrefixAsync(RunnerContract.SubmissionPrefix(stored.Id, stored.Nonce), cancellationToken).ConfigureAwait(false);
            await results.DeleteBatchAsync(stored.Id, cancellationToken).ConfigureAwait(false);
            await batches.DeleteAsync(stored.Id, cancellationToken).ConfigureAwait(false);
            Logs.Purged(logger, stored.Id);
        }
#pragma warning disable CA1031 // Background work: the batch stays "purging" and RepairAsync finishes it at the next start.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Logs.PurgeFailed(logger, stored.Id, ex);
        }
    }
}
