using Orchestration.Activities;
using Orchestration.Durable;

namespace Orchestration.Workflows.Purge;

/// <summary>The purge orchestrator's housekeeping: deletes the history of purge orchestrations that completed
/// before this one, so purge instances do not pile up in the task hub.</summary>
/// <remarks>An orchestration cannot purge itself while it runs, so each purge removes its completed
/// predecessors: at most the latest completed purge stays. Failed purges are kept (their failure explains a batch
/// left purging) until the batch service schedules that purge again. Safe to repeat and to race with another
/// purge doing the same: an instance already gone counts 0, and one that is not completed is never touched.</remarks>
/// <param name="client">The durable client (see <see cref="PurgeBatchHistory"/> for where it comes from).</param>
public sealed class PurgeFinishedPurges(DurableTaskClient client) : IActivity<PurgeCleanupInput, int>
{
    /// <inheritdoc />
    /// <returns>How many purge instances were deleted.</returns>
    public async Task<int> RunAsync(PurgeCleanupInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var query = new OrchestrationQuery(Statuses: [OrchestrationRuntimeStatus.Completed], InstanceIdPrefix: PurgeOrchestrator.InstanceIdPrefix);
        var finished = new List<string>();
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            // Ordinal, as the seam's prefix (a backend may match it ignoring case).
            if (instance.InstanceId.StartsWith(PurgeOrchestrator.InstanceIdPrefix, StringComparison.Ordinal) && instance.InstanceId != input.CurrentInstanceId)
            {
                finished.Add(instance.InstanceId);
            }
        }

        // Listed whole before the first purge: a backend that pages by position would skip instances as they go.
        var purged = 0;
        foreach (var id in finished)
        {
            purged += (await client.PurgeInstanceAsync(id, cancellationToken).ConfigureAwait(false)).PurgedInstanceCount;
        }

        return purged;
    }
}
