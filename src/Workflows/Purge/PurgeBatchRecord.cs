using Microsoft.Extensions.Logging;
using Orchestration.Activities;
using Orchestration.Activities.Stores;
using Orchestration.Domain;

namespace Orchestration.Workflows.Purge;

/// <summary>Purge step 4, the last: deletes the batch record, which frees the id for a new submission.</summary>
/// <remarks>Only the record of this submission (same nonce) while it is purging: the step runs at least once,
/// and a repeat after the id was submitted again must not delete the new batch.</remarks>
/// <param name="batches">The batch store.</param>
/// <param name="logger">Logs the purged id.</param>
public sealed class PurgeBatchRecord(IBatchStore batches, ILogger<PurgeBatchRecord> logger) : IActivity<PurgeStepInput, bool>
{
    /// <inheritdoc />
    /// <returns>Whether the record was deleted.</returns>
    public async Task<bool> RunAsync(PurgeStepInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var stored = await batches.GetAsync(input.BatchId, cancellationToken).ConfigureAwait(false);
        if (stored is null || stored.Nonce != input.Nonce || stored.Status != BatchStatus.Purging)
        {
            return false;
        }

        var deleted = await batches.DeleteAsync(input.BatchId, cancellationToken).ConfigureAwait(false);
        Logs.Purged(logger, input.BatchId);
        return deleted;
    }
}
