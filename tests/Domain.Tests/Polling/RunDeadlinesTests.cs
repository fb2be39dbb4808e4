using Orchestration.Domain.Polling;

namespace Orchestration.Domain.Tests.Polling;

public sealed class RunDeadlinesTests
{
    private static readonly DateTime Started = new(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(9, DeadlineStatus.Pending)]
    [InlineData(10, DeadlineStatus.ClaimMissed)]
    [InlineData(60, DeadlineStatus.ClaimMissed)]
    public void Check_NotClaimed_ClaimMissedAfterStartGrace(int minutes, DeadlineStatus expected)
    {
        // Act
        var status = RunDeadlines.Check(Started.AddMinutes(minutes), Started, claimedAt: null, 600, PollingOptions.Cloud);

        // Assert
        Assert.Equal(expected, status);
    }

    [Theory]
    [InlineData(11, DeadlineStatus.Pending)]
    [InlineData(13.9, DeadlineStatus.Pending)]
    [InlineData(14, DeadlineStatus.TimedOut)]
    public void Check_Claimed_TimedOutAfterClaimPlusTimeoutPlusGrace(double minutes, DeadlineStatus expected)
    {
        // Arrange: claimed at 2 min, timeout 10 min, grace 2 min -> deadline at 14 min.
        var claimed = Started.AddMinutes(2);

        // Act
        var status = RunDeadlines.Check(Started.AddMinutes(minutes), Started, claimed, 600, PollingOptions.Cloud);

        // Assert
        Assert.Equal(expected, status);
    }

    [Fact]
    public void Next_BeforeAndAfterClaim_SwitchesDeadline()
    {
        // Act
        var beforeClaim = RunDeadlines.Next(Started, null, 600, PollingOptions.Cloud);
        var afterClaim = RunDeadlines.Next(Started, Started.AddMinutes(1), 600, PollingOptions.Cloud);

        // Assert
        Assert.Equal(Started.AddMinutes(10), beforeClaim);
        Assert.Equal(Started.AddMinutes(13), afterClaim);
    }

    [Fact]
    public void CompletionDeadline_LocalOptions_UseShortGrace()
    {
        // Act
        var deadline = RunDeadlines.CompletionDeadline(Started, 30, PollingOptions.Local);

        // Assert
        Assert.Equal(Started.AddSeconds(40), deadline);
    }
}
