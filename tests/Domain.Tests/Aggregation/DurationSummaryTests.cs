using Orchestration.Domain.Aggregation;

namespace Orchestration.Domain.Tests.Aggregation;

public sealed class DurationSummaryTests
{
    [Theory]
    [InlineData(10, 5.0, 10.0)]
    [InlineData(20, 10.0, 19.0)]
    [InlineData(1, 1.0, 1.0)]
    [InlineData(100, 50.0, 95.0)]
    public void Of_OneToN_NearestRankPercentiles(int n, double p50, double p95)
    {
        // Arrange: 1..n in reverse, to show input order does not matter.
        var seconds = Enumerable.Range(1, n).Reverse().Select(i => (double)i);

        // Act
        var summary = DurationSummary.Of(seconds);

        // Assert
        Assert.Equal(new DurationSummary(n, p50, p95), summary);
    }

    [Fact]
    public void Of_NoDurations_Null()
    {
        // Act + Assert
        Assert.Null(DurationSummary.Of([]));
    }

    [Fact]
    public void NearestRank_AlwaysAValueFromTheData()
    {
        // Arrange
        double[] sorted = [1.5, 2.5, 40];

        // Act
        var p50 = DurationSummary.NearestRank(sorted, 50);
        var p95 = DurationSummary.NearestRank(sorted, 95);

        // Assert
        Assert.Equal(2.5, p50);
        Assert.Equal(40, p95);
    }
}
