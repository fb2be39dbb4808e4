namespace Orchestration.Activities.Storage;

/// <summary>Outcome of a create-if-absent write.</summary>
/// <param name="Created">True when this call created the object; false when one was already there.</param>
/// <param name="Metadata">The created object's metadata; null when it was already there.</param>
public sealed record PutIfAbsentResult(bool Created, ObjectMetadata? Metadata);
