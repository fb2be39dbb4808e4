using Orchestration.Domain;

namespace Orchestration.Activities.Contracts;

/// <summary>Compute and store the aggregate and the batch's final status.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Status">The final status (completed, cancelled, failed or stopped).</param>
/// <param name="Reason">Why, for cancelled, failed or stopped batches.</param>
/// <param name="StartedAt">When the batch orchestration started (from its history).</param>
/// <param name="CompletedAt">When it finished (from its history).</param>
/// <param name="Version">0 for the batch's own run; else the results version its rerun makes.</param>
/// <param name="RerunRuns">Runs the rerun ran again.</param>
public sealed record PersistAggregateInput(string BatchId, BatchStatus Status, string? Reason, DateTime StartedAt, DateTime CompletedAt, int Version = 0, int RerunRuns = 0);
