using System.Text.Json;

namespace Orchestration.Server.Remote;

/// <summary>One page of a listing (runs or batches) as the API sent it.</summary>
/// <param name="Items">The items: flat JSON objects, detached from the response.</param>
/// <param name="ContinuationToken">Where the next page starts, or null after the last.</param>
internal sealed record ListingPage(IReadOnlyList<JsonElement> Items, string? ContinuationToken);
