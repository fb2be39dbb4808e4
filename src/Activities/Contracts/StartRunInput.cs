namespace Orchestration.Activities.Contracts;

/// <summary>Start (or find the already started) execution of an attempt.</summary>
/// <param name="Attempt">The attempt.</param>
/// <param name="JobId">The job to run.</param>
/// <param name="SpecUri">The task's spec.json.</param>
/// <param name="TimeoutSeconds">The task's timeoutSeconds: the work's limit; the execution gets setup and upload time on top (AttemptTimeLimits).</param>
/// <param name="RunInstanceId">The run orchestration that polls the execution, told of its end where the platform says so
/// (<see cref="CloudRun.IExecutionEnds"/>); null from a run started before it was passed.</param>
public sealed record StartRunInput(RunAttempt Attempt, string JobId, string SpecUri, int TimeoutSeconds, string? RunInstanceId = null);
