namespace Orchestration.Tests.Waiting;

/// <summary>The one "wait until a condition holds, or fail after a real-time limit" of the test projects: it
/// looks often, so a fast machine does not wait, and gives a slow one the whole limit.</summary>
public static class Eventually
{
    /// <summary>The limit when a caller names none: long, since only a broken condition ever reaches it.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Returns once <paramref name="condition"/> holds; fails the test with <paramref name="what"/> after <paramref name="limit"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)((limit ?? DefaultLimit).TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        while (!await condition())
        {
            if (System.Diagnostics.Stopwatch.GetTimestamp() > deadline)
            {
                Assert.Fail($"Still not so after {(limit ?? DefaultLimit).TotalSeconds:0.#} s: {what}.");
            }

            await Task.Delay(Interval);
        }
    }

    /// <summary>Returns once <paramref name="condition"/> holds; fails the test with <paramref name="what"/> after <paramref name="limit"/>.</summary>
    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? limit = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return HoldsAsync(() => Task.FromResult(condition()), what, limit);
    }
}
