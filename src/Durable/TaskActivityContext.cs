namespace Orchestration.Durable;

/// <summary>What an activity sees of its call, as Durable Task's <c>TaskActivityContext</c>.</summary>
public abstract class TaskActivityContext
{
    /// <summary>The activity name.</summary>
    public abstract TaskName Name { get; }

    /// <summary>The instance id of the calling orchestration.</summary>
    public abstract string InstanceId { get; }

    /// <summary>Signalled when the host stops: the step should end promptly; the work item is then not
    /// acknowledged and runs again (at least once).</summary>
    /// <remarks>Not in Durable Task's <c>TaskActivityContext</c> (1.28 has none), so each host fills it from what
    /// it has: the embedded engine its stop, Azure Functions the invocation's <c>FunctionContext.CancellationToken</c>,
    /// the SDK worker the host's <c>ApplicationStopping</c>. None when a host gives nothing.</remarks>
    public virtual CancellationToken CancellationToken => CancellationToken.None;
}
