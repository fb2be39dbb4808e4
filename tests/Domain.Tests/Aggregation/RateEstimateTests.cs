using Orchestration.Domain.Aggregation;

namespace Orchestration.Domain.Tests.Aggregation;

public sealed class RateEstimateTests
{
    private const double Z95 = 1.959963984540054;

    [Theory]
    [InlineData(5, 10, 0.5, 0.236593, 0.763407)]
    [InlineData(0, 10, 0.0, 0.0, 0.277533)]
    [InlineData(10, 10, 1.0, 0.722467, 1.0)]
    [InlineData(1, 1, 1.0, 0.206549, 1.0)]
    [InlineData(81, 263, 0.307985, 0.255289, 0.36621)]
    public void Wilson_KnownValues_MatchReferenceIntervals(int count, int total, double rate, double lower, double upper)
    {
        // Act
        var estimate = RateEstimate.Wilson(count, total, Z95, 6);

        // Assert
        Assert.NotNull(estimate);
        Assert.Equal(rate, estimate.Rate, 6);
        Assert.Equal(lower, estimate.Lower, 6);
        Assert.Equal(upper, estimate.Upper, 6);
    }

    [Fact]
    public void Wilson_ZeroDenominator_Null()
    {
        // Act
        var estimate = RateEstimate.Wilson(0, 0, Z95, 6);

        // Assert
        Assert.Null(estimate);
    }

    [Fact]
    public void Wilson_CountAboveTotal_Throws()
    {
        // Act + Assert
        Assert.Throws<ArgumentOutOfRangeException>(() => RateEstimate.Wilson(3, 2, Z95, 6));
    }
}
