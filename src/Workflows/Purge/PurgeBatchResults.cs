using Orchestration.Activities;
using Orchestration.Activities.Stores;

namespace Orchestration.Workflows.Purge;

/// <summary>Purge step 3: deletes the batch's run rows and its aggregate.</summary>
/// <remarks>Safe to repeat: deleting what is gone changes nothing. It runs while the record still says
/// purging, so no new submission of the id can have written rows yet.</remarks>
/// <param name="results">The result store.</param>
public sealed class PurgeBatchResults(IResultStore results) : IActivity<PurgeStepInput, bool>
{
    /// <inheritdoc />
    /// <returns>Whether the batch had an aggregate before the delete.</returns>
    public async Task<bool> RunAsync(PurgeStepInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var aggregate = await results.GetAggregateAsync(input.BatchId, cancellationToken).ConfigureAwait(false);
        await results.DeleteBatchAsync(input.BatchId, cancellationToken).ConfigureAwait(false);
        return aggregate is not null;
    }
}
