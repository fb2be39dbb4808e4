namespace Orchestration.Activities.Contracts;

/// <summary>Identifies one attempt of one run: what StartRun, CheckRun, CancelRun and CollectResult act on.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Nonce">The submission nonce.</param>
/// <param name="TaskOrdinal">The task's ordinal.</param>
/// <param name="TaskId">The task id.</param>
/// <param name="RunIndex">The run index.</param>
/// <param name="Attempt">k, from 1.</param>
public sealed record RunAttempt(string BatchId, string Nonce, int TaskOrdinal, string TaskId, int RunIndex, int Attempt);
