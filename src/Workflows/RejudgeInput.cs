namespace Orchestration.Workflows;

/// <summary>What a rejudge needs: the submission, the version it makes, and each task's run count.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Nonce">The submission nonce.</param>
/// <param name="Version">The aggregate version it makes.</param>
/// <param name="TaskRuns">Runs per task, by ordinal.</param>
/// <param name="ActivityAttempts">Attempts per activity call.</param>
public sealed record RejudgeInput(string BatchId, string Nonce, int Version, IReadOnlyList<int> TaskRuns, int ActivityAttempts);
