using Orchestration.Domain.Aggregation;

namespace Orchestration.Workflows;

/// <summary>A chunk's custom status: runs in flight and the counts of its finished runs.</summary>
/// <param name="InFlight">Runs started and not yet finished.</param>
/// <param name="Finished">Counts of the finished runs.</param>
public sealed record ChunkProgress(int InFlight, ProgressCounts Finished);
