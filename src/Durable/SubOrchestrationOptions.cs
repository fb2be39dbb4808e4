namespace Orchestration.Durable;

/// <summary>Options of a sub-orchestration call, as Durable Task's <c>SubOrchestrationOptions</c>.</summary>
public record SubOrchestrationOptions : TaskOptions
{
    /// <summary>Creates options with retry settings and an instance id.</summary>
    /// <param name="retry">Retry options; none when null.</param>
    /// <param name="instanceId">The child's instance id; generated deterministically when null.</param>
    public SubOrchestrationOptions(TaskRetryOptions? retry = null, string? instanceId = null)
        : base(retry) => InstanceId = instanceId;

    /// <summary>Creates options from task options and an instance id.</summary>
    /// <param name="options">The task options to copy.</param>
    /// <param name="instanceId">The child's instance id; generated deterministically when null.</param>
    public SubOrchestrationOptions(TaskOptions options, string? instanceId = null)
        : base(options?.Retry) => InstanceId = instanceId;

    /// <summary>The child's instance id; generated deterministically from the parent when null.</summary>
    public string? InstanceId { get; init; }
}
