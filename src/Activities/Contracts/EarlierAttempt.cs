namespace Orchestration.Activities.Contracts;

/// <summary>An attempt before the one being collected that the run orchestrator saw end without a judged
/// result; CollectResult writes it into the run's attempt log.</summary>
/// <param name="Attempt">k, from 1.</param>
/// <param name="Execution">The execution it started, if any.</param>
/// <param name="Result">What became of it.</param>
/// <param name="Reason">Why, if known.</param>
public sealed record EarlierAttempt(int Attempt, string? Execution, AttemptResult Result, string? Reason);
