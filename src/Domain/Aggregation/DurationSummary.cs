namespace Orchestration.Domain.Aggregation;

/// <summary>Run durations over the runs that ran.</summary>
/// <param name="Count">Runs with a duration.</param>
/// <param name="P50">The median, by nearest rank.</param>
/// <param name="P95">The 95th percentile, by nearest rank.</param>
/// <remarks>Nearest rank: sort ascending, take the value at 1-based rank ceil(p/100 * n). It always
/// returns a duration some run really had, and needs no interpolation choice.</remarks>
public sealed record DurationSummary(int Count, double P50, double P95)
{
    /// <summary>Summarises <paramref name="seconds"/>.</summary>
    /// <param name="seconds">Durations in seconds, any order.</param>
    /// <returns>The summary, or null when there are none.</returns>
    public static DurationSummary? Of(IEnumerable<double> seconds)
    {
        var sorted = seconds.Order().ToArray();
        return sorted.Length == 0 ? null : new DurationSummary(sorted.Length, NearestRank(sorted, 50), NearestRank(sorted, 95));
    }

    /// <summary>The nearest-rank percentile of ascending <paramref name="sorted"/> values.</summary>
    /// <param name="sorted">Values sorted ascending, at least one.</param>
    /// <param name="percent">The percentile, 1 to 100.</param>
    /// <returns>The value at rank ceil(percent/100 * n).</returns>
    public static double NearestRank(IReadOnlyList<double> sorted, int percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        var rank = (int)(((long)percent * sorted.Count + 99) / 100);
        return sorted[rank - 1];
    }
}
