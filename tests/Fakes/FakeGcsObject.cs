namespace Orchestration.Fakes;

/// <summary>One live object held by <see cref="FakeGcsServer"/>.</summary>
/// <param name="Name">Object name.</param>
/// <param name="Data">The bytes.</param>
/// <param name="Generation">Generation (int64, served as a string).</param>
/// <param name="Metageneration">Metageneration.</param>
/// <param name="ContentType">Content type.</param>
/// <param name="Created">Creation time of this generation.</param>
/// <param name="Updated">Last write or metadata change.</param>
/// <param name="CustomTime">Custom time, if set.</param>
public sealed record FakeGcsObject(
    string Name,
    byte[] Data,
    long Generation,
    long Metageneration,
    string ContentType,
    DateTimeOffset Created,
    DateTimeOffset Updated,
    DateTimeOffset? CustomTime);
