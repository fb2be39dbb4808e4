namespace Orchestration.Domain.Aggregation;

/// <summary>One task's finished-run counts read out of <see cref="ProgressCounts"/>.</summary>
/// <param name="Runs">Runs finished.</param>
/// <param name="Passed">Passed.</param>
/// <param name="Failed">Failed.</param>
/// <param name="Errored">Errored.</param>
/// <param name="TimedOut">Timed out.</param>
/// <param name="Cancelled">Cancelled.</param>
/// <param name="Flagged">Runs with at least one flag.</param>
public sealed record TaskProgress(int Runs, int Passed, int Failed, int Errored, int TimedOut, int Cancelled, int Flagged);
