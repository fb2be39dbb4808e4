namespace Orchestration.Activities.CloudRun;

/// <summary>Result of <see cref="ICloudRunJobsClient.RunExecutionAsync"/>.</summary>
/// <param name="Outcome">Started or throttled.</param>
/// <param name="ExecutionName">Full execution name when started.</param>
/// <param name="ExecutionId">Short execution id when started.</param>
/// <param name="RetryAfter">When throttled: how long to wait before the next try.</param>
public sealed record RunExecutionResult(RunExecutionOutcome Outcome, string? ExecutionName, string? ExecutionId, TimeSpan RetryAfter)
{
    /// <summary>A started execution.</summary>
    /// <param name="executionName">Full name.</param>
    /// <returns>The result.</returns>
    public static RunExecutionResult Started(string executionName) =>
        new(RunExecutionOutcome.Started, executionName, executionName[(executionName.LastIndexOf('/') + 1)..], TimeSpan.Zero);

    /// <summary>A throttled start.</summary>
    /// <param name="retryAfter">Suggested wait.</param>
    /// <returns>The result.</returns>
    public static RunExecutionResult Throttled(TimeSpan retryAfter) => new(RunExecutionOutcome.Throttled, null, null, retryAfter);
}
