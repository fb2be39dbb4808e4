namespace Orchestration.Activities.CloudRun;

/// <summary>One task of an execution (<c>tasks.list</c>), what a pack's run needs to tell its own task apart.</summary>
/// <param name="Name">Full resource name <c>.../executions/E/tasks/T</c>.</param>
/// <param name="Index">0-based index, what the task sees as <c>CLOUD_RUN_TASK_INDEX</c>.</param>
/// <param name="State">Mapped state.</param>
/// <param name="ExitCode">Exit code of its last attempt, when it exited with one.</param>
/// <param name="Retried">How many times Cloud Run retried it.</param>
/// <param name="StartTime">When it started running.</param>
/// <param name="CompletionTime">When it ended.</param>
/// <param name="FailureReason">Reason and message of a failed or cancelled task.</param>
public sealed record CloudRunTask(
    string Name,
    int Index,
    CloudRunTaskState State,
    int? ExitCode,
    int Retried,
    DateTimeOffset? StartTime,
    DateTimeOffset? CompletionTime,
    string? FailureReason)
{
    /// <summary>True for succeeded, failed and cancelled.</summary>
    public bool IsTerminal => State is CloudRunTaskState.Succeeded or CloudRunTaskState.Failed or CloudRunTaskState.Cancelled;
}
