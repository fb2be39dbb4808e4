namespace Orchestration.Domain.Comparison;

/// <summary>Fisher's exact test of a 2x2 table, two-sided.</summary>
/// <remarks>The p-value is the sum of the hypergeometric probabilities (margins fixed) of every table no more likely
/// than the observed one, as R's <c>fisher.test</c> computes it: "no more likely" with a relative tolerance of
/// 1 + 1e-7, so tables whose probability equals the observed one up to rounding are counted. Probabilities are
/// computed in log space (log factorials), so tables with thousands of runs neither overflow nor underflow.</remarks>
public static class FisherExact
{
    private const double RelativeTolerance = 1 + 1e-7;

    /// <summary>The two-sided p-value of the table [[a, nA - a], [b, nB - b]].</summary>
    /// <param name="a">Successes in A.</param>
    /// <param name="nA">Trials in A.</param>
    /// <param name="b">Successes in B.</param>
    /// <param name="nB">Trials in B.</param>
    /// <returns>The p-value in [0, 1], or null when either side has no trials.</returns>
    public static double? TwoSided(int a, int nA, int b, int nB)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(a);
        ArgumentOutOfRangeException.ThrowIfNegative(b);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(a, nA);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(b, nB);
        if (nA == 0 || nB == 0)
        {
            return null;
        }

        var logFactorial = LogFactorials(nA + nB);
        var successes = a + b;
        var low = Math.Max(0, successes - nB);
        var high = Math.Min(nA, successes);

        // log P(X = x) up to the constant log C(N, successes), which cancels when normalizing.
        var logs = new double[high - low + 1];
        for (var x = low; x <= high; x++)
        {
            logs[x - low] = LogChoose(logFactorial, nA, x) + LogChoose(logFactorial, nB, successes - x);
        }

        var max = logs.Max();
        var total = logs.Sum(l => Math.Exp(l - max));
        var observed = Math.Exp(logs[a - low] - max);
        var tail = logs.Select(l => Math.Exp(l - max)).Where(p => p <= observed * RelativeTolerance).Sum();
        return Math.Min(1, tail / total);
    }

    private static double LogChoose(double[] logFactorial, int n, int k) => logFactorial[n] - logFactorial[k] - logFactorial[n - k];

    private static double[] LogFactorials(int n)
    {
        var table = new double[n + 1];
        for (var i = 2; i <= n; i++)
        {
            table[i] = table[i - 1] + Math.Log(i);
        }

        return table;
    }
}
