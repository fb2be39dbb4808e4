namespace Orchestration.Activities.Contracts;

/// <summary>Look at an attempt: its result first, the execution only when due.</summary>
/// <param name="Attempt">The attempt.</param>
/// <param name="Execution">The execution StartRun recorded.</param>
/// <param name="CheckExecution">Whether to GET the execution when no result is there (every few polls).</param>
/// <param name="ClaimKnown">The claim was seen already: skip reading it again.</param>
public sealed record CheckRunInput(RunAttempt Attempt, string Execution, bool CheckExecution, bool ClaimKnown = false);
