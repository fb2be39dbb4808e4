namespace Orchestration.Durable;

/// <summary>What an activity sees of its call, as Durable Task's <c>TaskActivityContext</c>.</summary>
public abstract class TaskActivityContext
{
    /// <summary>The activity name.</summary>
    public abstract TaskName Name { get; }

    /// <summary>The instance id of the calling orchestration.</summary>
    public abstract string InstanceId { get; }
}
