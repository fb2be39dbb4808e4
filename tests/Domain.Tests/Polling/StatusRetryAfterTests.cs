using Orchestration.Domain.Polling;

namespace Orchestration.Domain.Tests.Polling;

public sealed class StatusRetryAfterTests
{
    [Theory]
    [InlineData(0, 5)] // first step: 5 s
    [InlineData(4.9, 5)]
    [InlineData(5, 8)] // 7.5 s, rounded up
    [InlineData(12.4, 8)]
    [InlineData(12.5, 12)] // 11.25 s
    [InlineData(3600, 60)] // capped
    [InlineData(-10, 5)] // a clock behind the store: the first step
    public void Seconds_CloudSchedule_FollowsTheRunPollersGrowthToTheCap(double ageSeconds, int expected)
    {
        var seconds = StatusRetryAfter.Seconds(PollingOptions.Cloud, TimeSpan.FromSeconds(ageSeconds));

        Assert.Equal(expected, seconds);
    }

    [Theory]
    [InlineData(0, 1)] // 500 ms rounds up to the 1 s HTTP can say
    [InlineData(600, 2)]
    public void Seconds_LocalSchedule_IsWholeSecondsAtLeastOne(double ageSeconds, int expected)
    {
        Assert.Equal(expected, StatusRetryAfter.Seconds(PollingOptions.Local, TimeSpan.FromSeconds(ageSeconds)));
    }

    [Fact]
    public void Seconds_GrowthOfOne_StaysAtTheFirstDelay()
    {
        var flat = PollingOptions.Cloud with { GrowthFactor = 1, FirstDelay = TimeSpan.FromSeconds(3) };

        Assert.Equal(3, StatusRetryAfter.Seconds(flat, TimeSpan.FromDays(1)));
    }
}
