namespace Orchestration.Activities.Contracts;

/// <summary>Cancel an attempt's executions: the one started and, if different, the claimant.</summary>
/// <param name="Executions">Execution names to cancel.</param>
/// <param name="Markers">Attempts of packed executions to cancel by their cancel marker instead: the pack's other
/// tasks work other runs, so the execution itself is not cancelled.</param>
public sealed record CancelRunInput(IReadOnlyList<string> Executions, IReadOnlyList<RunAttempt>? Markers = null);
