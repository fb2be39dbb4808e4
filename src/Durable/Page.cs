namespace Orchestration.Durable;

/// <summary>One page of a query, as Durable Task's <c>Page&lt;T&gt;</c>.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="values">The items.</param>
/// <param name="continuationToken">The token for the next page; null on the last page.</param>
public sealed class Page<T>(IReadOnlyList<T> values, string? continuationToken = null)
    where T : notnull
{
    /// <summary>The items.</summary>
    public IReadOnlyList<T> Values { get; } = values;

    /// <summary>The token for the next page; null on the last page.</summary>
    public string? ContinuationToken { get; } = continuationToken;
}
