namespace Orchestration.Activities.Contracts;

/// <summary>A run a rerun runs again, and the attempt number it goes on with.</summary>
/// <param name="TaskOrdinal">The task ordinal.</param>
/// <param name="RunIndex">The run index.</param>
/// <param name="NextAttempt">The first new attempt: one past the highest the run had.</param>
public sealed record RerunRun(int TaskOrdinal, int RunIndex, int NextAttempt);
