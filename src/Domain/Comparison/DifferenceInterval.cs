using Orchestration.Domain.Aggregation;

namespace Orchestration.Domain.Comparison;

/// <summary>The difference of two independent proportions, B minus A, with its Newcombe hybrid score interval.</summary>
/// <param name="Difference">rate(B) - rate(A).</param>
/// <param name="Lower">The interval's lower bound.</param>
/// <param name="Upper">The interval's upper bound.</param>
/// <remarks>Newcombe (1998), "Interval estimation for the difference between independent proportions: comparison of
/// eleven methods", Statistics in Medicine 17, method 10: built from the two Wilson score intervals, so it inherits their
/// good coverage at small n and near 0 or 1, where the Wald interval of the difference is too narrow.</remarks>
public sealed record DifferenceInterval(double Difference, double Lower, double Upper)
{
    /// <summary>Newcombe's hybrid score interval of <c>b/nB - a/nA</c>.</summary>
    /// <param name="a">Successes in A.</param>
    /// <param name="nA">Trials in A.</param>
    /// <param name="b">Successes in B.</param>
    /// <param name="nB">Trials in B.</param>
    /// <param name="z">The normal quantile (1.96 for 95%).</param>
    /// <param name="decimals">Decimal places kept.</param>
    /// <returns>The interval, or null when either side has no trials.</returns>
    public static DifferenceInterval? Newcombe(int a, int nA, int b, int nB, double z, int decimals)
    {
        // The Wilson bounds at full precision; rounding happens once, at the end.
        if (RateEstimate.Wilson(a, nA, z, 15) is not { } wa || RateEstimate.Wilson(b, nB, z, 15) is not { } wb)
        {
            return null;
        }

        var pa = (double)a / nA;
        var pb = (double)b / nB;
        var d = pb - pa;
        var lower = d - Math.Sqrt(Square(pb - wb.Lower) + Square(wa.Upper - pa));
        var upper = d + Math.Sqrt(Square(wb.Upper - pb) + Square(pa - wa.Lower));
        return new DifferenceInterval(Math.Round(d, decimals), Math.Round(Math.Max(-1, lower), decimals), Math.Round(Math.Min(1, upper), decimals));
    }

    private static double Square(double x) => x * x;
}
