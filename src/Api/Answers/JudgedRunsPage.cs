namespace Orchestration.Api;

/// <summary>A page of <c>GET /api/batches/{id}/runs?after=</c> in judged order.</summary>
/// <param name="Items">The rows (<see cref="RunColumns.Object"/>).</param>
/// <param name="Next">The cursor to pass as <c>after</c> for the next page.</param>
internal sealed record JudgedRunsPage(IEnumerable<Dictionary<string, object?>> Items, string Next);
