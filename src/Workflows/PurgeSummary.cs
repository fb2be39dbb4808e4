namespace Orchestration.Workflows;

/// <summary>What a purge deleted.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Instances">Orchestration instances purged (batch, chunks, runs).</param>
/// <param name="Objects">Objects deleted under the submission's prefix.</param>
/// <param name="HadAggregate">Whether the batch had an aggregate when its results were deleted.</param>
/// <param name="RecordDeleted">Whether the batch record was deleted (false when it was already gone, or belongs
/// to a later submission of the same id).</param>
public sealed record PurgeSummary(string BatchId, int Instances, int Objects, bool HadAggregate, bool RecordDeleted);
