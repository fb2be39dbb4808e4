using Orchestration.Domain.Documents;

namespace Orchestration.Activities.Contracts;

/// <summary>One task of a plan.</summary>
/// <param name="Ordinal">The task's ordinal (instance ids use it).</param>
/// <param name="TaskId">The task id (object names use it).</param>
/// <param name="Kind">Command or Claude.</param>
/// <param name="Runs">n.</param>
/// <param name="MaxAttempts">Attempts per run.</param>
/// <param name="TimeoutSeconds">The work's time limit per attempt (the task's timeoutSeconds).</param>
/// <param name="JobId">The Cloud Run job its runs execute.</param>
/// <param name="SpecUri">The <c>gs://</c> URI of its spec.json.</param>
/// <param name="AttemptUpperUsd">In a batch with a cost cap, the most one attempt can cost (what a run in flight
/// reserves, <see cref="Domain.Planning.BudgetGate"/>); null without a cap.</param>
public sealed record TaskPlan(int Ordinal, string TaskId, TaskKind Kind, int Runs, int MaxAttempts, int TimeoutSeconds, string JobId, string SpecUri, decimal? AttemptUpperUsd = null);
