namespace Orchestration.Durable;

/// <summary>Options for terminating an instance, as Durable Task's <c>TerminateInstanceOptions</c>.</summary>
/// <param name="Output">The output recorded for the terminated instance.</param>
/// <param name="Recursive">Whether sub-orchestrations are terminated too.</param>
public record TerminateInstanceOptions(object? Output = null, bool Recursive = false);
