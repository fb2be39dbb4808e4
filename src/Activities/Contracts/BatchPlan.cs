namespace Orchestration.Activities.Contracts;

/// <summary>What PrepareBatch hands the batch orchestrator: ids, URIs and counts only, never a prompt,
/// command or input content.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Nonce">The submission nonce (object names live under <c>runs/{batchId}/{nonce}/</c>).</param>
/// <param name="MaxParallelRuns">Runs in flight at most.</param>
/// <param name="HasWebhook">Whether NotifyWebhook has somewhere to post.</param>
/// <param name="Tasks">Per task, by ordinal.</param>
/// <param name="MaxCostUsd">The batch's cost cap; null when it has none.</param>
public sealed record BatchPlan(string BatchId, string Nonce, int MaxParallelRuns, bool HasWebhook, IReadOnlyList<TaskPlan> Tasks, decimal? MaxCostUsd = null)
{
    /// <summary>Runs in the batch.</summary>
    public int TotalRuns => Tasks.Sum(t => t.Runs);
}
