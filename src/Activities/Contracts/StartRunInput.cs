namespace Orchestration.Activities.Contracts;

/// <summary>Start (or find the already started) execution of an attempt.</summary>
/// <param name="Attempt">The attempt.</param>
/// <param name="JobId">The job to run.</param>
/// <param name="SpecUri">The task's spec.json.</param>
/// <param name="TimeoutSeconds">The task's timeoutSeconds: the work's limit; the execution gets setup and upload time on top (AttemptTimeLimits).</param>
public sealed record StartRunInput(RunAttempt Attempt, string JobId, string SpecUri, int TimeoutSeconds);
