using Orchestration.Domain.Aggregation;

namespace Orchestration.Workflows;

/// <summary>The batch orchestration's custom status: compact, well under Durable's 16 KB limit at 200 tasks.</summary>
/// <param name="Phase">preparing, running, finishing.</param>
/// <param name="TotalRuns">Runs planned (0 while preparing).</param>
/// <param name="ChunksDone">Chunks finished.</param>
/// <param name="ChunksTotal">Chunks in the batch.</param>
/// <param name="Finished">Folded counts of the finished chunks; live chunks report their own.</param>
/// <param name="Stopping">Why launches stopped, when they did (cancel, a batch-level fault or the cost cap).</param>
public sealed record BatchProgress(string Phase, int TotalRuns, int ChunksDone, int ChunksTotal, ProgressCounts Finished, string? Stopping = null);
