namespace Orchestration.Domain.Aggregation;

/// <summary>A proportion with its Wilson score interval.</summary>
/// <param name="Count">The numerator (e.g. passed).</param>
/// <param name="Total">The denominator (passed + failed).</param>
/// <param name="Rate">Count / Total.</param>
/// <param name="Lower">The interval's lower bound.</param>
/// <param name="Upper">The interval's upper bound.</param>
/// <remarks>Wilson rather than the normal approximation: it stays inside [0, 1] and is honest at
/// small n and at rates near 0 or 1, which is where batches of 10 runs live.</remarks>
public sealed record RateEstimate(int Count, int Total, double Rate, double Lower, double Upper)
{
    /// <summary>The Wilson score interval of <paramref name="count"/> out of <paramref name="total"/>.</summary>
    /// <param name="count">Successes.</param>
    /// <param name="total">Trials.</param>
    /// <param name="z">The normal quantile (1.96 for 95%).</param>
    /// <param name="decimals">Decimal places kept.</param>
    /// <returns>The estimate, or null when <paramref name="total"/> is 0.</returns>
    public static RateEstimate? Wilson(int count, int total, double z, int decimals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, total);
        if (total == 0)
        {
            return null;
        }

        double n = total;
        var p = count / n;
        var z2 = z * z;
        var denominator = 1 + (z2 / n);
        var center = (p + (z2 / (2 * n))) / denominator;
        var half = z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n))) / denominator;
        return new RateEstimate(
            count,
            total,
            Math.Round(p, decimals),
            Math.Round(Math.Max(0, center - half), decimals),
            Math.Round(Math.Min(1, center + half), decimals));
    }
}
