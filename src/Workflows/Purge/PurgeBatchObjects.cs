using Orchestration.Activities;
using Orchestration.Activities.Storage;
using Orchestration.Domain.Specs;

namespace Orchestration.Workflows.Purge;

/// <summary>Purge step 2: deletes the submission's objects (<see cref="RunnerContract.SubmissionPrefix"/>): specs,
/// bundles, attempts' results and outputs.</summary>
/// <remarks>Safe to repeat: a second run finds nothing under the prefix. Only this submission's nonce is
/// touched, so a later submission of the same id keeps its objects.</remarks>
/// <param name="objects">The object store.</param>
public sealed class PurgeBatchObjects(IObjectStore objects) : IActivity<PurgeStepInput, int>
{
    /// <inheritdoc />
    public Task<int> RunAsync(PurgeStepInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return objects.DeleteByPrefixAsync(RunnerContract.SubmissionPrefix(input.BatchId, input.Nonce), cancellationToken);
    }
}
