using Orchestration.Domain.Aggregation;

namespace Orchestration.Workflows;

/// <summary>A chunk's custom status: runs in flight, the counts of its finished runs, and its packs.</summary>
/// <param name="InFlight">Runs started and not yet finished.</param>
/// <param name="Finished">Counts of the finished runs.</param>
/// <param name="PacksStarted">Packed executions started.</param>
/// <param name="PacksRunning">Packed executions with runs not yet finished.</param>
public sealed record ChunkProgress(int InFlight, ProgressCounts Finished, int PacksStarted = 0, int PacksRunning = 0);
