using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Storage;
using Orchestration.Domain.Specs;

namespace Orchestration.Activities.Steps;

/// <summary>Cancels an attempt's executions; finished or missing ones are not an error. An attempt of a packed
/// execution gets its cancel marker instead (created if absent): its task does no work, or stops the work under way.</summary>
/// <param name="jobs">Cloud Run (or the local runner).</param>
/// <param name="objects">The object store.</param>
public sealed class CancelRun(ICloudRunJobsClient jobs, IObjectStore objects) : IActivity<CancelRunInput, bool>
{
    /// <inheritdoc />
    public async Task<bool> RunAsync(CancelRunInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var any = false;
        foreach (var attempt in input.Markers ?? [])
        {
            var prefix = RunnerContract.AttemptPrefix(attempt.BatchId, attempt.Nonce, attempt.TaskId, attempt.RunIndex, attempt.Attempt);
            using var empty = new MemoryStream([]);
            any |= (await objects.PutIfAbsentAsync(prefix + RunnerContract.CancelObject, empty, "text/plain", cancellationToken).ConfigureAwait(false)).Created;
        }

        foreach (var execution in input.Executions.Distinct(StringComparer.Ordinal))
        {
            any |= await jobs.CancelExecutionAsync(execution, cancellationToken).ConfigureAwait(false);
        }

        return any;
    }
}
