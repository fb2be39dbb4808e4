namespace Orchestration.Domain.Planning;

/// <summary>A slice of a batch's launch order handled by one chunk orchestration.</summary>
/// <param name="Index">The chunk index (its instance id is <c>{batchId}:c{Index}</c>).</param>
/// <param name="Start">The position of its first run in the launch order.</param>
/// <param name="Count">How many runs it holds.</param>
public sealed record ChunkRange(int Index, int Start, int Count);
