namespace Orchestration.Durable;

/// <summary>Options for starting an instance, as Durable Task's <c>StartOrchestrationOptions</c>.</summary>
/// <param name="InstanceId">The instance id; generated when null.</param>
/// <param name="StartAt">A scheduled start time; now when null.</param>
public record StartOrchestrationOptions(string? InstanceId = null, DateTimeOffset? StartAt = null);
