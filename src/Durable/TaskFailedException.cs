namespace Orchestration.Durable;

/// <summary>Thrown into an orchestrator when an activity or sub-orchestration it awaited failed, as Durable
/// Task's <c>TaskFailedException</c>.</summary>
public sealed class TaskFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="taskName">Name of the failed activity or sub-orchestrator.</param>
    /// <param name="taskId">Sequence number of the task in the orchestration.</param>
    /// <param name="failureDetails">What went wrong.</param>
    public TaskFailedException(string taskName, int taskId, TaskFailureDetails failureDetails)
        : base($"Task '{taskName}' (#{taskId}) failed with an unhandled exception: {failureDetails?.ErrorMessage}")
    {
        ArgumentNullException.ThrowIfNull(failureDetails);
        TaskName = taskName;
        TaskId = taskId;
        FailureDetails = failureDetails;
    }

    /// <summary>Name of the failed task.</summary>
    public string TaskName { get; }

    /// <summary>Sequence number of the failed task.</summary>
    public int TaskId { get; }

    /// <summary>What went wrong.</summary>
    public TaskFailureDetails FailureDetails { get; }
}
