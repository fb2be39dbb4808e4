namespace Orchestration.Durable;

/// <summary>Options for purging an instance, as Durable Task's <c>PurgeInstanceOptions</c>.</summary>
/// <param name="Recursive">Whether sub-orchestrations are purged too.</param>
public record PurgeInstanceOptions(bool Recursive = false);
