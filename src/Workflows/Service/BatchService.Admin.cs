using Orchestration.Activities.Stores;
using Orchestration.Domain;
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
        if ((BatchStatusRules.IsFinished(stored.Status) && !await RerunStartingAsync(stored, instance, cancellationToken).ConfigureAwait(false))
            || stored.Status == BatchStatus.Purging || instance?.IsCompleted == true)
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

    /// <summary>Purges a finished batch: marks it purging and schedules its <see cref="PurgeOrchestrator"/>, which
    /// deletes its orchestrations' history, its objects under <c>runs/{batchId}/{nonce}/</c>, its rows and
    /// aggregate, and finally its record. The id answers conflict until done.</summary>
    /// <remarks>The purge is a durable workflow: it runs to the end on the host's durable engine whatever happens
    /// to the caller or the process. A repeat while it runs (or once it has completed) changes nothing; a repeat
    /// after it failed schedules it again.</remarks>
    /// <param name="batchId">The batch id.</param>
    /// <param name="cancellationToken">Cancels the call (not the purge once scheduled).</param>
    /// <returns>Accepted, not found, or conflict for an unfinished batch.</returns>
    public async Task<BatchActionResult> PurgeAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var stored = await batches.GetAsync(batchId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return BatchActionResult.NotFound;
        }

        var instance = await client.GetInstanceAsync(batchId, cancellationToken).ConfigureAwait(false);
        var finished = (BatchStatusRules.IsFinished(stored.Status) || instance?.IsCompleted == true)
            && !await RerunStartingAsync(stored, instance, cancellationToken).ConfigureAwait(false);
        if (!finished && stored.Status != BatchStatus.Purging)
        {
            return BatchActionResult.Conflict;
        }

        if (stored.Status != BatchStatus.Purging)
        {
            await batches.SetStatusAsync(batchId, BatchStatus.Purging, stored.Reason, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        await EnsurePurgeScheduledAsync(stored, cancellationToken).ConfigureAwait(false);
        return BatchActionResult.Accepted;
    }

    /// <summary>Lists batches from the batch store (never the durable backend).</summary>
    /// <param name="query">Status filter, time range and paging.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One page.</returns>
    public Task<BatchPage> ListAsync(BatchQuery query, CancellationToken cancellationToken = default) => batches.ListAsync(query, cancellationToken);

    /// <summary>Schedules the purge of <paramref name="stored"/> unless its purge instance exists and has not
    /// failed: at most one purge per submission runs, and one that failed (or was terminated) starts again.</summary>
    private async Task<bool> EnsurePurgeScheduledAsync(StoredBatch stored, CancellationToken cancellationToken)
    {
        var instanceId = PurgeOrchestrator.InstanceId(stored.Id, stored.Nonce);
        if (!await ScheduleUnlessLiveAsync(instanceId, nameof(PurgeOrchestrator), new PurgeInput(stored.Id, stored.Nonce, options.Value.Workflow.ActivityAttempts), cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        Logs.PurgeScheduled(logger, stored.Id, instanceId);
        return true;
    }

    /// <summary>Schedules <paramref name="orchestrator"/> as <paramref name="instanceId"/> unless that instance exists
    /// and has not failed; one that failed (or was terminated) starts again.</summary>
    /// <returns>True when this call scheduled it.</returns>
    private async Task<bool> ScheduleUnlessLiveAsync(string instanceId, TaskName orchestrator, object input, CancellationToken cancellationToken)
    {
        var existing = await client.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (existing is not null && existing.RuntimeStatus is not (OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated))
        {
            return false;
        }

        try
        {
            if (existing is not null)
            {
                // Backends differ on scheduling an id that has ended (replace, or refuse); gone, it is new everywhere.
                await client.PurgeInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
            }

            await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, new StartOrchestrationOptions(instanceId), cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // A concurrent request (or the repair) may have scheduled it first; anything else is a real error.
            if (await client.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false) is not { } now
                || now.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
            {
                throw;
            }

            return false;
        }

        return true;
    }
}
