using Orchestration.Domain.Aggregation;

namespace Orchestration.Activities.Contracts;

/// <summary>What PrepareRerun hands the batch orchestrator: the batch's plan (same specs, jobs ensured again), the runs
/// to run again, and the counts of the runs that keep their outcome.</summary>
/// <param name="Plan">The plan (ids, URIs, counts).</param>
/// <param name="Runs">The runs to run again, in task then run order.</param>
/// <param name="Kept">The counts of every other run, as they stand.</param>
public sealed record RerunPlan(BatchPlan Plan, IReadOnlyList<RerunRun> Runs, ProgressCounts Kept);
