namespace Orchestration.Workflows.Service;

/// <summary>One page of runs as the API lists them.</summary>
/// <param name="Items">The runs.</param>
/// <param name="ContinuationToken">Pass it back for the next page; null on the last page.</param>
public sealed record RunViewPage(IReadOnlyList<RunView> Items, string? ContinuationToken)
{
    /// <summary>In judged order only: the cursor right after each item (parallel to <see cref="Items"/>).</summary>
    public IReadOnlyList<string> ItemCursors { get; init; } = [];
}
