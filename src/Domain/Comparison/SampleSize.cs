namespace Orchestration.Domain.Comparison;

/// <summary>Runs per arm needed to detect a difference between two pass rates.</summary>
/// <remarks>The normal approximation for two independent proportions without continuity correction, the formula
/// R's <c>power.prop.test</c> solves (with its default strict = FALSE):
/// n = (z(1-alpha/2) sqrt(2 pbar (1 - pbar)) + z(power) sqrt(p1 (1 - p1) + p2 (1 - p2)))^2 / (p2 - p1)^2,
/// with pbar = (p1 + p2) / 2. The two rates are placed symmetrically around the observed pooled pass rate
/// (p1 = pooled - d/2, p2 = pooled + d/2), shifted inside [0, 1] when the pooled rate is near an edge.</remarks>
public static class SampleSize
{
    /// <summary>z for a two-sided alpha of 0.05.</summary>
    public const double ZAlpha05TwoSided = 1.959963984540054;

    /// <summary>z for 80% power.</summary>
    public const double ZPower80 = 0.8416212335729143;

    /// <summary>Runs per arm, rounded up, for rates <paramref name="p1"/> and <paramref name="p2"/>.</summary>
    /// <param name="p1">One rate.</param>
    /// <param name="p2">The other rate (different from <paramref name="p1"/>).</param>
    /// <param name="zAlpha">z(1 - alpha/2).</param>
    /// <param name="zPower">z(power).</param>
    /// <returns>The fractional n per arm (round it up to plan).</returns>
    public static double PerArm(double p1, double p2, double zAlpha, double zPower)
    {
        var delta = Math.Abs(p2 - p1);
        ArgumentOutOfRangeException.ThrowIfZero(delta);
        var pbar = (p1 + p2) / 2;
        var root = (zAlpha * Math.Sqrt(2 * pbar * (1 - pbar))) + (zPower * Math.Sqrt((p1 * (1 - p1)) + (p2 * (1 - p2))));
        return root * root / (delta * delta);
    }

    /// <summary>Runs per arm to detect <paramref name="difference"/> around <paramref name="pooledRate"/> at 80% power,
    /// two-sided alpha 0.05.</summary>
    /// <param name="pooledRate">The observed pooled pass rate of A and B.</param>
    /// <param name="difference">The difference to detect, in (0, 1].</param>
    /// <returns>Whole runs per arm.</returns>
    public static int ToDetect(double pooledRate, double difference)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(difference);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(difference, 1);
        var p1 = Math.Clamp(pooledRate - (difference / 2), 0, 1 - difference);
        return (int)Math.Ceiling(PerArm(p1, p1 + difference, ZAlpha05TwoSided, ZPower80) - 1e-9);
    }
}
