using System.Runtime.CompilerServices;

namespace Orchestration.Durable;

/// <summary>Builds an <see cref="AsyncPageable{T}"/> from a page function, as Durable Task's <c>Pageable</c>.</summary>
public static class Pageable
{
    /// <summary>Creates a pageable from a function that reads one page.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="pageFunc">Reads the page after a continuation token, with a page size hint.</param>
    /// <returns>The pageable.</returns>
    public static AsyncPageable<T> Create<T>(Func<string?, int?, CancellationToken, Task<Page<T>>> pageFunc)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(pageFunc);
        return new FuncPageable<T>(pageFunc);
    }

    /// <summary>Creates a pageable from a function that reads one page.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="pageFunc">Reads the page after a continuation token.</param>
    /// <returns>The pageable.</returns>
    public static AsyncPageable<T> Create<T>(Func<string?, CancellationToken, Task<Page<T>>> pageFunc)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(pageFunc);
        return new FuncPageable<T>((token, _, ct) => pageFunc(token, ct));
    }

    private sealed class FuncPageable<T>(Func<string?, int?, CancellationToken, Task<Page<T>>> pageFunc) : AsyncPageable<T>
        where T : notnull
    {
        public override IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
            => PagesAsync(continuationToken, pageSizeHint, default);

        private async IAsyncEnumerable<Page<T>> PagesAsync(string? token, int? size, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            do
            {
                var page = await pageFunc(token, size, cancellationToken);
                yield return page;
                token = page.ContinuationToken;
            }
            while (token is not null);
        }
    }
}
