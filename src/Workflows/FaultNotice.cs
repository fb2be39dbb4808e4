namespace Orchestration.Workflows;

/// <summary>Why a chunk asks its batch to stop.</summary>
/// <param name="Reason">A sentence for the batch's status (no secrets, no run output beyond the judge's reason).</param>
public sealed record FaultNotice(string Reason);
