namespace Orchestration.Domain.Aggregation;

/// <summary>What aggregation needs to know of one task from the plan.</summary>
/// <param name="Ordinal">The task's ordinal.</param>
/// <param name="Id">The task id.</param>
/// <param name="Runs">Runs planned (the task's <c>n</c>).</param>
/// <param name="FlagNames">The names of its flag rules, so a rule that never fired still shows 0.</param>
public sealed record PlannedTask(int Ordinal, string Id, int Runs, IReadOnlyList<string> FlagNames);
