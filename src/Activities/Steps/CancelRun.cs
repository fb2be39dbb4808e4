using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;

namespace Orchestration.Activities.Steps;

/// <summary>Cancels an attempt's executions; finished or missing ones are not an error.</summary>
/// <param name="jobs">Cloud Run (or the local runner).</param>
public sealed class CancelRun(ICloudRunJobsClient jobs) : IActivity<CancelRunInput, bool>
{
    /// <inheritdoc />
    public async Task<bool> RunAsync(CancelRunInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var any = false;
        foreach (var execution in input.Executions.Distinct(StringComparer.Ordinal))
        {
            any |= await jobs.CancelExecutionAsync(execution, cancellationToken).ConfigureAwait(false);
        }

        return any;
    }
}
