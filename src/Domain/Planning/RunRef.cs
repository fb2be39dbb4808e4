namespace Orchestration.Domain.Planning;

/// <summary>One run of a batch: a task (by ordinal) and a run index in <c>0..n-1</c>.</summary>
/// <param name="TaskOrdinal">The task's index in the batch.</param>
/// <param name="RunIndex">The run's index within the task.</param>
public readonly record struct RunRef(int TaskOrdinal, int RunIndex);
