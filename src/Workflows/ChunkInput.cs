using Orchestration.Activities.Contracts;

namespace Orchestration.Workflows;

/// <summary>A chunk orchestration's input: its slice of the batch's launch order and what its runs need.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Nonce">The submission nonce.</param>
/// <param name="Chunk">The chunk index.</param>
/// <param name="Start">Position of its first run in the launch order.</param>
/// <param name="Count">How many runs.</param>
/// <param name="Window">Runs in flight at most.</param>
/// <param name="Tasks">The plan's tasks (ids, URIs, counts).</param>
/// <param name="Settings">The batch's settings.</param>
/// <param name="Generation">0 for the batch's own run; else the results version its rerun makes (instance ids carry it).</param>
/// <param name="Runs">A rerun's chunk: its runs (with the attempt each goes on with) instead of a slice of the launch order.</param>
public sealed partial record ChunkInput(
    string BatchId, string Nonce, int Chunk, int Start, int Count, int Window, IReadOnlyList<TaskPlan> Tasks, WorkflowSettings Settings,
    int Generation = 0, IReadOnlyList<RerunRun>? Runs = null);
