namespace Orchestration.Activities.Stores;

/// <summary>One page of run rows.</summary>
/// <param name="Items">The rows.</param>
/// <param name="ContinuationToken">Pass it back for the next page; null on the last page.</param>
public sealed record RunPage(IReadOnlyList<RunRow> Items, string? ContinuationToken);
