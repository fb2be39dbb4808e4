namespace Orchestration.Workflows.Service;

/// <summary>One page of batches as the API lists them.</summary>
/// <param name="Items">The batches.</param>
/// <param name="ContinuationToken">Pass it back for the next page; null on the last page.</param>
public sealed record BatchViewPage(IReadOnlyList<BatchView> Items, string? ContinuationToken);
