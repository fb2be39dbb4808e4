using Orchestration.Activities;
using Orchestration.Domain.Planning;
using Orchestration.Durable;

namespace Orchestration.Workflows.Purge;

/// <summary>Purge step 1: deletes the batch's orchestration history, recursively (batch, chunks, runs).</summary>
/// <remarks>Safe to repeat: an instance already purged counts 0. While the batch orchestration has not ended (its
/// record can say finished a moment before the orchestration returns) the client refuses with
/// <see cref="InvalidOperationException"/>, which the purge orchestrator retries. The durable client is the host's:
/// in DI on the embedded engine and the SDK worker, the <c>[DurableClient]</c> binding of the activity function in
/// Azure Functions (the client reaches the task hub from an activity as from any other function).</remarks>
/// <param name="client">The durable client.</param>
public sealed class PurgeBatchHistory(DurableTaskClient client) : IActivity<PurgeStepInput, int>
{
    /// <inheritdoc />
    public async Task<int> RunAsync(PurgeStepInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var purged = await client.PurgeInstanceAsync(InstanceIds.Batch(input.BatchId), new PurgeInstanceOptions(Recursive: true), cancellationToken).ConfigureAwait(false);
        return purged.PurgedInstanceCount;
    }
}
