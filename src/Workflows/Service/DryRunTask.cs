using Orchestration.Domain.Planning;

namespace Orchestration.Workflows.Service;

/// <summary>One task of a planned batch.</summary>
/// <param name="Ordinal">Its index in the batch.</param>
/// <param name="Id">The task id.</param>
/// <param name="Kind"><c>command</c> or <c>claude</c>.</param>
/// <param name="Runs">Runs (n).</param>
/// <param name="MaxAttempts">Attempts per run at most.</param>
/// <param name="TimeoutSeconds">The work's time limit per attempt.</param>
/// <param name="Cpu">vCPU of its profile.</param>
/// <param name="Memory">Memory of its profile.</param>
/// <param name="MaxBudgetUsd">Claude's spending limit per run, if any.</param>
/// <param name="Job">The Cloud Run job its runs execute.</param>
/// <param name="InputSet">The key of its input set (first 12 hex characters); null without inputs.</param>
/// <param name="Cost">Its estimated cost.</param>
public sealed record DryRunTask(
    int Ordinal, string Id, string Kind, int Runs, int MaxAttempts, int TimeoutSeconds, string Cpu, string Memory, decimal? MaxBudgetUsd,
    string Job, string? InputSet, CostEstimate Cost);
