namespace Orchestration.Activities.Contracts;

/// <summary>What CheckRun found.</summary>
/// <param name="State">The attempt's state.</param>
/// <param name="ClaimedAt">When the runner claimed the attempt, when this look read a claim with a readable time;
/// null otherwise (not claimed, the claim already known to the caller, or its time unreadable).</param>
/// <param name="Execution">The execution that holds the claim (the claimant's, which may differ from the one started when a duplicate won).</param>
/// <param name="Reason">Why the attempt is lost, when it is.</param>
public sealed record CheckRunResult(AttemptState State, DateTime? ClaimedAt, string? Execution, string? Reason);
