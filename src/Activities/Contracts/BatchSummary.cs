using Orchestration.Domain;

namespace Orchestration.Activities.Contracts;

/// <summary>The batch orchestration's output: counts only.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Status">Final status.</param>
/// <param name="Runs">Runs planned.</param>
/// <param name="Passed">Passed runs.</param>
/// <param name="Failed">Failed runs.</param>
/// <param name="Errored">Errored runs.</param>
/// <param name="TimedOut">Timed-out runs.</param>
/// <param name="Cancelled">Cancelled runs (including never launched, but in a stopped batch).</param>
/// <param name="Flagged">Runs with at least one flag.</param>
/// <param name="Reason">Why, for cancelled, failed or stopped batches.</param>
/// <param name="Skipped">Runs never started because the cost cap stopped the batch.</param>
public sealed record BatchSummary(string BatchId, BatchStatus Status, int Runs, int Passed, int Failed, int Errored, int TimedOut, int Cancelled, int Flagged, string? Reason, int Skipped = 0);
