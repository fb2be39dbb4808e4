namespace Orchestration.Domain.Rerunning;

/// <summary>What a results version made by a rerun says about it.</summary>
/// <param name="Outcomes">The outcomes whose runs got new attempts (wire names).</param>
/// <param name="Runs">Runs rerun.</param>
/// <param name="RequestedAt">When the rerun was asked for.</param>
public sealed record RerunSummary(IReadOnlyList<string> Outcomes, int Runs, DateTimeOffset RequestedAt);
