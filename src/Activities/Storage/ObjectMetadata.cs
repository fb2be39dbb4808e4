namespace Orchestration.Activities.Storage;

/// <summary>What the object store knows about one object.</summary>
/// <param name="Name">Object name (flat namespace; <c>/</c> is an ordinary character).</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Generation">Version of the live object: changes on every write, larger is newer.</param>
/// <param name="ContentType">Content type given at upload.</param>
/// <param name="Updated">Time of the last write or metadata change.</param>
/// <param name="CustomTime">User-set time (bundle reuse refresh; lifecycle deletes by days since it), if set.</param>
public sealed record ObjectMetadata(
    string Name,
    long Size,
    long Generation,
    string ContentType,
    DateTimeOffset Updated,
    DateTimeOffset? CustomTime);
