using Orchestration.Domain.Planning;
using Orchestration.Domain.Polling;

namespace Orchestration.Workflows;

/// <summary>How the orchestrators of one batch behave, fixed at submit and carried in the batch's input.</summary>
/// <remarks>Orchestrators must decide the same way on every replay, so they never read host settings;
/// a batch keeps the settings it was submitted with even if the host's change meanwhile.</remarks>
/// <param name="ChunkSize">Runs per chunk orchestration.</param>
/// <param name="Polling">The polling schedule and deadlines of runs.</param>
/// <param name="FaultThreshold">Batch-level faults (e.g. Claude authentication failures) a chunk sees
/// before it asks the batch to stop.</param>
/// <param name="ActivityAttempts">Attempts of an activity that fails (a service error after the adapter's
/// own retries) before the step counts as failed.</param>
/// <param name="PackSize">Most attempts one execution works (packed executions, one task per attempt); 1 starts an
/// execution per attempt. A chunk packs the start requests of runs of one job and timeout that come together.</param>
/// <param name="PackGatherSeconds">How long a chunk holds a start request for others to join its pack, when more
/// could still come (a retry); the first runs of a window never wait.</param>
public sealed record WorkflowSettings(int ChunkSize, PollingOptions Polling, int FaultThreshold = 5, int ActivityAttempts = 4, int PackSize = 1, int PackGatherSeconds = 5)
{
    // Settable rather than init-only (as positional members would be): hosts bind Orchestration:Batches:Workflow into
    // an existing instance, which a native build's configuration binder does for settable members only.

    /// <summary>Runs per chunk orchestration.</summary>
    public int ChunkSize { get; set; } = ChunkSize;

    /// <summary>The polling schedule and deadlines of runs.</summary>
    public PollingOptions Polling { get; set; } = Polling;

    /// <summary>Batch-level faults a chunk sees before it asks the batch to stop.</summary>
    public int FaultThreshold { get; set; } = FaultThreshold;

    /// <summary>Attempts of an activity that fails before the step counts as failed.</summary>
    public int ActivityAttempts { get; set; } = ActivityAttempts;

    /// <summary>Most attempts one execution works; 1 starts an execution per attempt.</summary>
    public int PackSize { get; set; } = PackSize;

    /// <summary>How long a chunk holds a start request for others to join its pack.</summary>
    public int PackGatherSeconds { get; set; } = PackGatherSeconds;

    /// <summary>The most tasks one Cloud Run execution may have.</summary>
    public const int MaxPackSize = 10_000;

    /// <summary>The default pack size in cloud mode.</summary>
    public const int CloudPackSize = 100;

    /// <summary>Whether runs start through their chunk's packs.</summary>
    public bool Packing => PackSize > 1;

    /// <summary>Cloud defaults: chunks of 500, the cloud polling schedule, packs of 100.</summary>
    /// <remarks>A fresh instance on each read: hosts bind configuration into the instance they start from,
    /// and a shared one would carry one host's settings into every later reader in the process.</remarks>
    public static WorkflowSettings Cloud => new(ChunkPlanner.DefaultChunkSize, PollingOptions.Cloud, PackSize: CloudPackSize);

    /// <summary>Local defaults: the local polling schedule (500 ms growing to 2 s; a run is told when its execution ends), an execution per attempt (the
    /// local runner runs one process per attempt either way).</summary>
    /// <remarks>A fresh instance on each read: hosts bind configuration into the instance they start from,
    /// and a shared one would carry one host's settings into every later reader in the process.</remarks>
    public static WorkflowSettings Local => new(ChunkPlanner.DefaultChunkSize, PollingOptions.Local);
}
