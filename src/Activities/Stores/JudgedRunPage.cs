namespace Orchestration.Activities.Stores;

/// <summary>Runs in judged order and the cursor to ask from next.</summary>
/// <remarks><paramref name="Next"/> is never null: a client polling a running batch passes it back until the
/// batch has ended; an empty page returns the cursor it was given.</remarks>
/// <param name="Items">The rows, in the order they were judged.</param>
/// <param name="Next">The cursor after the last row.</param>
public sealed record JudgedRunPage(IReadOnlyList<RunRow> Items, string Next)
{
    /// <summary>The cursor right after each row (parallel to <see cref="Items"/>): where a stream that
    /// stopped after that row resumes.</summary>
    public IReadOnlyList<string> ItemCursors { get; init; } = [];
}
