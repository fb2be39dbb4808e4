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
public sealed record WorkflowSettings(int ChunkSize, PollingOptions Polling, int FaultThreshold = 5, int ActivityAttempts = 4)
{
    /// <summary>Cloud defaults: chunks of 500, the cloud polling schedule.</summary>
    /// <remarks>A fresh instance on each read: hosts bind configuration into the instance they start from,
    /// and a shared one would carry one host's settings into every later reader in the process.</remarks>
    public static WorkflowSettings Cloud => new(ChunkPlanner.DefaultChunkSize, PollingOptions.Cloud);

    /// <summary>Local defaults: the local polling schedule (100 ms growing to 2 s).</summary>
    /// <remarks>A fresh instance on each read: hosts bind configuration into the instance they start from,
    /// and a shared one would carry one host's settings into every later reader in the process.</remarks>
    public static WorkflowSettings Local => new(ChunkPlanner.DefaultChunkSize, PollingOptions.Local);
}
