using Orchestration.Domain.Judging;

namespace Orchestration.Activities.Contracts;

/// <summary>The compact result of a run's attempt, for the orchestrators: outcome, flags, cost; no text
/// from the run beyond a short reason.</summary>
/// <param name="Outcome">The judged outcome.</param>
/// <param name="Flags">Flag names that fired.</param>
/// <param name="DurationSeconds">How long the work ran.</param>
/// <param name="CostUsd">Cloud Run and Claude cost of this attempt.</param>
/// <param name="Attempt">The attempt judged.</param>
/// <param name="Reason">A short reason for anything but a pass.</param>
/// <param name="BatchFault">A fault that should stop the batch (Claude authentication, billing).</param>
/// <param name="Retryable">Errored by infrastructure (overload, API error): another attempt may succeed.</param>
/// <param name="RunCostUsd">Cloud Run and Claude cost of every attempt of the run so far (its row's cost); null from
/// summaries written before it was added.</param>
public sealed record RunSummary(
    RunOutcome Outcome,
    IReadOnlyList<string> Flags,
    double? DurationSeconds,
    decimal CostUsd,
    int Attempt,
    string? Reason,
    BatchFault? BatchFault,
    bool Retryable,
    decimal? RunCostUsd = null);
