namespace Orchestration.Activities.CloudRun;

/// <summary>One page of a Cloud Run listing.</summary>
/// <typeparam name="T">Item type.</typeparam>
/// <param name="Items">Items of this page (after any client-side filter: may be empty while more pages follow).</param>
/// <param name="NextPageToken">Token of the next page, or null on the last one.</param>
public sealed record CloudRunPage<T>(IReadOnlyList<T> Items, string? NextPageToken);
