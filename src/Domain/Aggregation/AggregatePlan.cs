namespace Orchestration.Domain.Aggregation;

/// <summary>The planned totals an aggregate is measured against.</summary>
/// <param name="Tasks">The tasks, one per ordinal.</param>
/// <param name="UnreportedSkipped">Whether runs planned but never reported count as skipped (a batch its cost cap
/// stopped: they never started) rather than cancelled.</param>
/// <remarks>Runs planned but never reported count as cancelled, so a cancelled or failed batch still
/// adds up to its plan.</remarks>
public sealed record AggregatePlan(IReadOnlyList<PlannedTask> Tasks, bool UnreportedSkipped = false)
{
    /// <summary>The plan of a normalised batch.</summary>
    /// <param name="batch">The batch.</param>
    /// <returns>The plan.</returns>
    public static AggregatePlan FromBatch(Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new AggregatePlan(batch.Tasks
            .Select(task => new PlannedTask(task.Ordinal, task.Id, task.N, task.Flags.Keys.Order(StringComparer.Ordinal).ToArray()))
            .ToArray());
    }
}
