namespace Orchestration.Domain.Comparison;

/// <summary>Holm's step-down adjustment of p-values for multiple comparisons.</summary>
/// <remarks>Holm (1979): controls the family-wise error rate like Bonferroni, without assuming independence, and is
/// uniformly more powerful. Matches R's <c>p.adjust(p, method = "holm")</c>: missing values are left out of the count.</remarks>
public static class Holm
{
    /// <summary>Adjusts <paramref name="pValues"/>: the i-th smallest of m becomes the running maximum of
    /// (m - j + 1) p(j) for j up to i, capped at 1; the result is in the input's order.</summary>
    /// <param name="pValues">The raw p-values; null entries stay null and do not count.</param>
    /// <returns>The adjusted p-values.</returns>
    public static IReadOnlyList<double?> Adjust(IReadOnlyList<double?> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        var present = pValues.Select((p, i) => (P: p, Index: i)).Where(x => x.P is not null).OrderBy(x => x.P!.Value).ToList();
        var adjusted = new double?[pValues.Count];
        var m = present.Count;
        var running = 0.0;
        for (var rank = 0; rank < m; rank++)
        {
            running = Math.Max(running, Math.Min(1, (m - rank) * present[rank].P!.Value));
            adjusted[present[rank].Index] = running;
        }

        return adjusted;
    }
}
