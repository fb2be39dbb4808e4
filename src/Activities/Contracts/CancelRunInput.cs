namespace Orchestration.Activities.Contracts;

/// <summary>Cancel an attempt's executions: the one started and, if different, the claimant.</summary>
/// <param name="Executions">Execution names.</param>
public sealed record CancelRunInput(IReadOnlyList<string> Executions);
