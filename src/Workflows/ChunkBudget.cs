namespace Orchestration.Workflows;

/// <summary>The cost cap a chunk keeps (<see cref="Domain.Planning.BudgetGate"/>).</summary>
/// <param name="CapUsd">The batch's <c>maxCostUsd</c>.</param>
/// <param name="SpentUsd">What the runs of the chunks before this one cost.</param>
public sealed record ChunkBudget(decimal CapUsd, decimal SpentUsd);
