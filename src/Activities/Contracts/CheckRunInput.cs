namespace Orchestration.Activities.Contracts;

/// <summary>Look at an attempt: its result first, the execution only when due.</summary>
/// <param name="Attempt">The attempt.</param>
/// <param name="Execution">The execution StartRun recorded.</param>
/// <param name="CheckExecution">Whether to GET the execution when no result is there (every few polls).</param>
/// <param name="ClaimKnown">The claim was seen already: skip reading it again.</param>
/// <param name="TaskIndex">The attempt's task when the execution is a pack: when the execution is due for a look, so
/// is that task, since a pack's execution runs on long after one of its tasks died.</param>
public sealed record CheckRunInput(RunAttempt Attempt, string Execution, bool CheckExecution, bool ClaimKnown = false, int? TaskIndex = null);
