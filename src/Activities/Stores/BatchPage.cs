namespace Orchestration.Activities.Stores;

/// <summary>One page of stored batches; the documents are not loaded.</summary>
/// <param name="Items">The batches (with an empty <see cref="StoredBatch.Document"/>).</param>
/// <param name="ContinuationToken">Pass it back for the next page; null on the last page.</param>
public sealed record BatchPage(IReadOnlyList<StoredBatch> Items, string? ContinuationToken);
