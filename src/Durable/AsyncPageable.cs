using System.Runtime.CompilerServices;

namespace Orchestration.Durable;

/// <summary>An asynchronous sequence read page by page, as Durable Task's <c>AsyncPageable&lt;T&gt;</c>.</summary>
/// <typeparam name="T">The item type.</typeparam>
public abstract class AsyncPageable<T> : IAsyncEnumerable<T>
    where T : notnull
{
    /// <summary>Enumerates pages.</summary>
    /// <param name="continuationToken">Start after this token; from the beginning when null.</param>
    /// <param name="pageSizeHint">The page size; the query's when null.</param>
    /// <returns>The pages.</returns>
    public abstract IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null);

    /// <inheritdoc/>
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        => EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);

    private async IAsyncEnumerable<T> EnumerateAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var page in AsPages().WithCancellation(cancellationToken))
        {
            foreach (var item in page.Values)
            {
                yield return item;
            }
        }
    }
}
