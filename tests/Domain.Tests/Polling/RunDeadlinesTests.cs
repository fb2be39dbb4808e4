using Orchestration.Domain.Polling;
using Orchestration.Domain.Specs;

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
    [InlineData(14, DeadlineStatus.Pending)]
    [InlineData(24.4, DeadlineStatus.Pending)]
    [InlineData(24.5, DeadlineStatus.TimedOut)]
    public void Check_Claimed_TimedOutAfterClaimPlusTimeoutSetupMarginAndGrace(double minutes, DeadlineStatus expected)
    {
        // Arrange: claimed at 2 min; the work's 10 min, 10 min of setup and 30 s of uploads on top, grace
        // 2 min -> deadline at 24.5 min (the work's own limit is never cut short by the orchestrator).
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
        Assert.Equal(Started.AddMinutes(1 + 10 + 10.5 + 2), afterClaim);
    }

    [Fact]
    public void CompletionDeadline_LocalOptions_UseShortGraceOnTopOfTheExecutionLimit()
    {
        // Act
        var deadline = RunDeadlines.CompletionDeadline(Started, 30, PollingOptions.Local);

        // Assert: 30 s of work + 600 s setup + 30 s uploads + 10 s grace.
        Assert.Equal(Started.AddSeconds(670), deadline);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(20)]
    [InlineData(31)]
    [InlineData(40)]
    public void CompletionDeadline_AnyTimeout_IsTheExecutionTimeoutStartRunSetsPlusGrace(int timeoutSeconds)
    {
        // Act
        var deadline = RunDeadlines.CompletionDeadline(Started, timeoutSeconds, PollingOptions.Cloud);

        // Assert: the same limit Cloud Run enforces, and never less than the work's own time plus setup and uploads.
        Assert.Equal(Started + AttemptTimeLimits.Default.ExecutionTimeout(timeoutSeconds) + PollingOptions.Cloud.TimeoutGrace, deadline);
        Assert.Equal(Started.AddSeconds(timeoutSeconds + 600 + 30 + 120), deadline);
    }

    [Fact]
    public void CompletionDeadline_OtherAttemptLimits_FollowThem()
    {
        // Arrange
        var options = PollingOptions.Local with { AttemptLimits = new AttemptTimeLimits(SetupSeconds: 5, UploadMarginSeconds: 2) };

        // Act
        var deadline = RunDeadlines.CompletionDeadline(Started, 3, options);

        // Assert
        Assert.Equal(Started.AddSeconds(3 + 5 + 2 + 10), deadline);
    }

    [Fact]
    public void Problems_NegativeAttemptLimits_Reported()
    {
        // Act
        var problems = (PollingOptions.Cloud with { AttemptLimits = new AttemptTimeLimits(SetupSeconds: -1) }).Problems();

        // Assert
        Assert.Contains("AttemptLimits must not be negative", problems);
    }
}
