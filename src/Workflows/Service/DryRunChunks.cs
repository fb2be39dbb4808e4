namespace Orchestration.Workflows.Service;

/// <summary>How a planned batch's runs split into chunk orchestrations.</summary>
/// <param name="Size">Runs per chunk at most.</param>
/// <param name="Count">Chunks.</param>
/// <param name="AtOnce">Chunks running at the same time.</param>
/// <param name="WindowPerChunk">Runs each running chunk keeps in flight.</param>
public sealed record DryRunChunks(int Size, int Count, int AtOnce, int WindowPerChunk);
