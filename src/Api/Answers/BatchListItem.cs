namespace Orchestration.Api;

/// <summary>One batch in <see cref="BatchList"/>.</summary>
/// <param name="Id">The batch id.</param>
/// <param name="Status">Its status, as the wire names it.</param>
/// <param name="CreatedAt">When it was submitted.</param>
/// <param name="LastUpdatedAt">When its row last changed.</param>
/// <param name="TotalRuns">Runs in the batch.</param>
/// <param name="Labels">Its labels.</param>
/// <param name="Reason">Why it ended as it did, when it says.</param>
/// <param name="Links">Its links.</param>
internal sealed record BatchListItem(
    string Id, string Status, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt, int TotalRuns, IReadOnlyDictionary<string, string> Labels, string? Reason, Links Links);
