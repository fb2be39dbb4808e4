using Orchestration.Domain.Comparison;

namespace Orchestration.Domain.Tests.Comparison;

/// <summary>The comparison statistics against published values, each with its source.</summary>
public sealed class StatisticsReferenceTests
{
    private const double Z95 = 1.959963984540054;

    // Newcombe RG (1998), Statistics in Medicine 17:873-890, Table II, method 10 (score interval without continuity
    // correction, from the two Wilson intervals). The paper's difference is the first sample minus the second: the first
    // sample is B here, so each row is (second, first).
    [Theory]
    [InlineData(48, 80, 56, 70, 0.0524, 0.3339)]
    [InlineData(3, 10, 9, 10, 0.1705, 0.8090)]
    [InlineData(0, 20, 0, 10, -0.1611, 0.2775)]
    [InlineData(0, 10, 0, 10, -0.2775, 0.2775)]
    [InlineData(0, 20, 10, 10, 0.6791, 1.0000)]
    [InlineData(0, 10, 10, 10, 0.6075, 1.0000)]
    public void Newcombe_TableTwoOfTheArticle_SameIntervalToFourDecimals(int a, int nA, int b, int nB, double lower, double upper)
    {
        // Act
        var interval = DifferenceInterval.Newcombe(a, nA, b, nB, Z95, 4);

        // Assert
        Assert.NotNull(interval);
        Assert.Equal(Math.Round(((double)b / nB) - ((double)a / nA), 4), interval.Difference);
        Assert.Equal(lower, interval.Lower);
        Assert.Equal(upper, interval.Upper);
    }

    [Fact]
    public void Newcombe_SidesSwapped_MirroredInterval()
    {
        var forward = DifferenceInterval.Newcombe(48, 80, 56, 70, Z95, 6)!;
        var backward = DifferenceInterval.Newcombe(56, 70, 48, 80, Z95, 6)!;

        Assert.Equal((-forward.Difference, -forward.Upper, -forward.Lower), (backward.Difference, backward.Lower, backward.Upper));
    }

    [Fact]
    public void Newcombe_NoTrialsOnOneSide_Null() => Assert.Null(DifferenceInterval.Newcombe(0, 0, 3, 10, Z95, 6));

    // Table [[a, nA - a], [b, nB - b]].
    [Theory]
    // R documentation of fisher.test, TeaTasting matrix(c(3, 1, 1, 3), nrow = 2): p-value = 0.4857.
    [InlineData(3, 4, 1, 4, 0.4857, 4)]
    // R documentation of fisher.test, Convictions matrix(c(2, 10, 15, 3), nrow = 2), two-sided: p-value = 0.0005367.
    [InlineData(2, 17, 10, 13, 0.0005367, 7)]
    // SciPy 1.10.1 scipy.stats.fisher_exact([[56, 14], [48, 32]]) = 0.012521129749209154 (Newcombe's first example).
    [InlineData(56, 70, 48, 80, 0.012521129749, 12)]
    // SciPy 1.10.1 scipy.stats.fisher_exact([[1200, 800], [1100, 900]]) = 0.0015395077387717368.
    [InlineData(1200, 2000, 1100, 2000, 0.0015395077388, 13)]
    // SciPy 1.10.1 scipy.stats.fisher_exact([[4500, 500], [4400, 600]]) = 0.0015467154178600943 (n = 10,000).
    [InlineData(4500, 5000, 4400, 5000, 0.0015467154179, 13)]
    // Nothing passed on either side: every table is the observed one.
    [InlineData(0, 10, 0, 20, 1.0, 12)]
    public void FisherExact_PublishedTables_SameTwoSidedPValue(int a, int nA, int b, int nB, double expected, int decimals)
    {
        // Act
        var p = FisherExact.TwoSided(a, nA, b, nB);
        var swapped = FisherExact.TwoSided(b, nB, a, nA);

        // Assert
        Assert.NotNull(p);
        Assert.Equal(expected, Math.Round(p.Value, decimals));
        Assert.Equal(p.Value, swapped!.Value, 12);
    }

    [Fact]
    public void FisherExact_NoTrialsOnOneSide_Null() => Assert.Null(FisherExact.TwoSided(0, 0, 1, 2));

    // R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), method = "holm") = 0.05 0.08 0.09 0.09 0.09
    // (pmin(1, cummax((n - i + 1) * p[o]))[ro]: the running maximum keeps it monotone).
    [Fact]
    public void Holm_FiveIncreasingPValues_SameAsRPAdjust()
    {
        var adjusted = Holm.Adjust([0.01, 0.02, 0.03, 0.04, 0.05]);

        Assert.Equal([0.05, 0.08, 0.09, 0.09, 0.09], adjusted.Select(p => Math.Round(p!.Value, 12)));
    }

    // R: p.adjust(c(0.04, 0.001, 0.03, NA), method = "holm") = 0.060 0.003 0.060 NA (NA does not count: n = 3), and
    // p.adjust(c(0.5, 0.6), method = "holm") = 1 1 (capped at 1, then monotone).
    [Fact]
    public void Holm_UnorderedWithMissingAndLarge_SameAsRPAdjust()
    {
        var unordered = Holm.Adjust([0.04, 0.001, 0.03, null]);
        var capped = Holm.Adjust([0.5, 0.6]);

        Assert.Equal([0.06, 0.003, 0.06, null], unordered.Select(p => p is { } v ? Math.Round(v, 12) : (double?)null));
        Assert.Equal([1.0, 1.0], capped.Select(p => p!.Value));
    }

    // R documentation of power.prop.test: power.prop.test(p1 = .50, p2 = .75, power = .90) # => n = 76.7
    [Fact]
    public void SampleSize_RDocumentationExample_SameRunsPerArm()
    {
        var n = SampleSize.PerArm(0.50, 0.75, SampleSize.ZAlpha05TwoSided, 1.2815515655446004);

        Assert.Equal(76.7, Math.Round(n, 1));
    }

    [Fact]
    public void SampleSize_TenPointsAroundAHalf_RoundedUpPerArm()
    {
        // 0.45 against 0.55 at 80% power: (1.96 sqrt(0.495) + 0.8416 sqrt(0.495))^2 / 0.01 = 391.26, so 392 runs each.
        Assert.Equal(392, SampleSize.ToDetect(0.5, 0.1));

        // Near an edge the pair is shifted inside [0, 1] (0.9 and 1.0), never past it.
        Assert.Equal(SampleSize.ToDetect(0.95, 0.1), (int)Math.Ceiling(SampleSize.PerArm(0.9, 1.0, SampleSize.ZAlpha05TwoSided, SampleSize.ZPower80)));
    }
}
