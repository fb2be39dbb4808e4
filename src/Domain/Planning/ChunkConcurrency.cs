namespace Orchestration.Domain.Planning;

/// <summary>How a batch runs its chunks.</summary>
/// <param name="ChunksAtOnce">Chunks running at the same time (K).</param>
/// <param name="WindowPerChunk">Runs each running chunk keeps in flight.</param>
public sealed record ChunkConcurrency(int ChunksAtOnce, int WindowPerChunk);
