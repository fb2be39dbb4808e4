namespace Orchestration.Api;

/// <summary>A page of <c>GET /api/batches</c>.</summary>
/// <param name="Items">The batches of the page.</param>
/// <param name="ContinuationToken">Where the next page starts; null on the last page (written as null).</param>
internal sealed record BatchList(IEnumerable<BatchListItem> Items, string? ContinuationToken);
