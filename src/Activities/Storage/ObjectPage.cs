namespace Orchestration.Activities.Storage;

/// <summary>One page of a listing, in lexicographic (ordinal) name order.</summary>
/// <param name="Items">The objects of this page.</param>
/// <param name="NextPageToken">Token for the next page, or null on the last page.</param>
public sealed record ObjectPage(IReadOnlyList<ObjectMetadata> Items, string? NextPageToken);
