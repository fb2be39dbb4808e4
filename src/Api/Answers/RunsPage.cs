namespace Orchestration.Api;

/// <summary>A page of <c>GET /api/batches/{id}/runs</c> in stored order.</summary>
/// <param name="Items">The rows (<see cref="RunColumns.Object"/>).</param>
/// <param name="ContinuationToken">Where the next page starts; null on the last page (written as null).</param>
internal sealed record RunsPage(IEnumerable<Dictionary<string, object?>> Items, string? ContinuationToken);
