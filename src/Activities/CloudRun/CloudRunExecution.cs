namespace Orchestration.Activities.CloudRun;

/// <summary>One execution of a job, mapped from the Execution resource (absent counts are 0).</summary>
/// <param name="Name">Full resource name <c>projects/P/locations/R/jobs/J/executions/E</c>.</param>
/// <param name="Id">Short execution id, what the runner sees as <c>CLOUD_RUN_EXECUTION</c>.</param>
/// <param name="JobId">Job id.</param>
/// <param name="State">Mapped state.</param>
/// <param name="TaskCount">Tasks of the execution.</param>
/// <param name="RunningCount">Tasks running.</param>
/// <param name="SucceededCount">Tasks succeeded.</param>
/// <param name="FailedCount">Tasks failed.</param>
/// <param name="CancelledCount">Tasks cancelled.</param>
/// <param name="RetriedCount">Tasks retried at least once.</param>
/// <param name="CreateTime">When Cloud Run accepted it.</param>
/// <param name="StartTime">When it started running.</param>
/// <param name="CompletionTime">When it reached a terminal state.</param>
/// <param name="FailureReason">Reason and message of a failed or cancelled execution.</param>
/// <param name="Environment">Plain env values of the container actually used (overrides applied): the reaper maps executions to runs by them.</param>
public sealed record CloudRunExecution(
    string Name,
    string Id,
    string JobId,
    CloudRunExecutionState State,
    int TaskCount,
    int RunningCount,
    int SucceededCount,
    int FailedCount,
    int CancelledCount,
    int RetriedCount,
    DateTimeOffset? CreateTime,
    DateTimeOffset? StartTime,
    DateTimeOffset? CompletionTime,
    string? FailureReason,
    IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>True for succeeded, failed and cancelled.</summary>
    public bool IsTerminal => State is CloudRunExecutionState.Succeeded or CloudRunExecutionState.Failed or CloudRunExecutionState.Cancelled;
}
