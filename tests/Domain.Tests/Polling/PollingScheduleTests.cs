using CsCheck;
using Orchestration.Domain.Polling;

namespace Orchestration.Domain.Tests.Polling;

public sealed class PollingScheduleTests
{
    private static readonly double[] PinnedDelays = [4979, 6890, 10599];

    private static readonly Gen<string> RunKeys =
        Gen.Select(Gen.Int[0, 199], Gen.Int[0, 999], Gen.Int[1, 5], (t, r, a) => $"batch-{t % 7}:t{t}:r{r}:a{a}");

    [Fact]
    public void PollDelay_CloudDefaultsWithoutJitter_FiveSecondsGrowingToSixty()
    {
        // Arrange
        var options = PollingOptions.Cloud with { JitterFraction = 0 };

        // Act
        var delays = Enumerable.Range(0, 9).Select(i => PollingSchedule.PollDelay(options, "b:t0:r0", i).TotalSeconds);

        // Assert: whole milliseconds, midpoints to even.
        Assert.Equal([5, 7.5, 11.25, 16.875, 25.312, 37.969, 56.953, 60, 60], delays);
    }

    [Fact]
    public void PollDelay_LocalDefaults_StartNear500MsAndCapAtTwoSeconds()
    {
        // Act
        var first = PollingSchedule.PollDelay(PollingOptions.Local, "b:t0:r0", 0);
        var late = PollingSchedule.PollDelay(PollingOptions.Local, "b:t0:r0", 40);

        // Assert
        Assert.InRange(first.TotalMilliseconds, 450, 500);
        Assert.InRange(late.TotalMilliseconds, 1800, 2000);
    }

    [Fact]
    public void PollDelay_AnyKey_NonDecreasingBelowCapAndNeverAboveIt()
    {
        RunKeys.Sample(key =>
        {
            // Arrange
            var options = PollingOptions.Cloud;
            var delays = Enumerable.Range(0, 30).Select(i => PollingSchedule.PollDelay(options, key, i)).ToArray();

            // Assert
            Assert.All(delays, d => Assert.True(d <= options.MaxDelay));
            for (var i = 0; i + 1 < delays.Length && Uncapped(options, i + 1); i++)
            {
                Assert.True(delays[i] <= delays[i + 1], $"poll {i}: {delays[i]} > {delays[i + 1]}");
            }
        }, iter: 200);
    }

    [Fact]
    public void PollDelay_AnyKeyAndPoll_JitterWithinFraction()
    {
        Gen.Select(RunKeys, Gen.Int[0, 40]).Sample((key, poll) =>
        {
            // Arrange
            var options = PollingOptions.Cloud;
            var unjittered = PollingSchedule.PollDelay(options with { JitterFraction = 0 }, key, poll);

            // Act
            var delay = PollingSchedule.PollDelay(options, key, poll);

            // Assert
            Assert.InRange(delay.TotalMilliseconds, (unjittered.TotalMilliseconds * (1 - options.JitterFraction)) - 1, unjittered.TotalMilliseconds);
        }, iter: 500);
    }

    [Fact]
    public void PollDelay_SameKey_SameDelays()
    {
        // Act
        var first = Enumerable.Range(0, 20).Select(i => PollingSchedule.PollDelay(PollingOptions.Cloud, "b1:t3:r7", i)).ToArray();
        var second = Enumerable.Range(0, 20).Select(i => PollingSchedule.PollDelay(PollingOptions.Cloud, "b1:t3:r7", i)).ToArray();

        // Assert
        Assert.Equal(first, second);
    }

    [Fact]
    public void PollDelay_KnownKey_StableAcrossProcesses()
    {
        // Act: pinned values; string.GetHashCode would differ per process and break replay.
        var delays = Enumerable.Range(0, 3).Select(i => PollingSchedule.PollDelay(PollingOptions.Cloud, "b1:t0:r0", i).TotalMilliseconds).ToArray();

        // Assert
        Assert.Equal(PinnedDelays, delays);
    }

    [Fact]
    public void PollDelay_DifferentKeys_Differ()
    {
        // Act: neighbouring run keys that start together.
        var delays = Enumerable.Range(0, 100)
            .Select(r => PollingSchedule.PollDelay(PollingOptions.Cloud, $"b1:t0:r{r}", 8))
            .ToArray();

        // Assert: spread over the jitter window, not one value.
        Assert.True(delays.Distinct().Count() >= 90, $"{delays.Distinct().Count()} distinct delays");
        Assert.True(delays.Max() - delays.Min() >= TimeSpan.FromSeconds(4.5));
    }

    [Fact]
    public void ThrottleDelay_AnyKey_ExponentialCappedAndJittered()
    {
        RunKeys.Sample(key =>
        {
            // Arrange
            var options = PollingOptions.Cloud;

            // Act
            var delays = Enumerable.Range(0, 12).Select(i => PollingSchedule.ThrottleDelay(options, key, i)).ToArray();

            // Assert
            for (var i = 0; i < delays.Length; i++)
            {
                var unjittered = Math.Min(10_000 * Math.Pow(2, i), 300_000);
                Assert.InRange(delays[i].TotalMilliseconds, (unjittered * 0.5) - 1, unjittered);
            }
        }, iter: 200);
    }

    [Fact]
    public void ThrottleDelay_SameKey_DiffersFromPollJitter()
    {
        // Arrange
        var options = PollingOptions.Cloud with { FirstDelay = TimeSpan.FromSeconds(10), GrowthFactor = 2, MaxDelay = TimeSpan.FromMinutes(5), JitterFraction = 0.5 };

        // Act
        var polls = Enumerable.Range(0, 6).Select(i => PollingSchedule.PollDelay(options, "b:t0:r0", i));
        var throttles = Enumerable.Range(0, 6).Select(i => PollingSchedule.ThrottleDelay(options, "b:t0:r0", i));

        // Assert: same shape, independent jitter streams.
        Assert.NotEqual(polls, throttles);
    }

    [Theory]
    [InlineData(0, 0, false)]
    [InlineData(1, 0, false)]
    [InlineData(2, 0, true)]
    [InlineData(5, 0, true)]
    [InlineData(6, 0, false)]
    [InlineData(6, 30, true)]
    [InlineData(0, 31, true)]
    public void ShouldCheckExecution_EveryThirdPollOrPastGrace_True(int poll, int minutesSinceStart, bool expected)
    {
        // Act
        var due = PollingSchedule.ShouldCheckExecution(PollingOptions.Cloud, poll, TimeSpan.FromMinutes(minutesSinceStart));

        // Assert
        Assert.Equal(expected, due);
    }

    [Fact]
    public void NextPollAt_DeadlineBeforeDelay_FiresAtDeadline()
    {
        // Arrange
        var now = new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc);

        // Act
        var capped = PollingSchedule.NextPollAt(now, TimeSpan.FromSeconds(60), now.AddSeconds(20));
        var normal = PollingSchedule.NextPollAt(now, TimeSpan.FromSeconds(5), now.AddSeconds(20));
        var overdue = PollingSchedule.NextPollAt(now, TimeSpan.FromSeconds(5), now.AddSeconds(-1));

        // Assert
        Assert.Equal(now.AddSeconds(20), capped);
        Assert.Equal(now.AddSeconds(5), normal);
        Assert.Equal(now, overdue);
    }

    [Fact]
    public void Problems_Defaults_None()
    {
        // Act + Assert
        Assert.Empty(PollingOptions.Cloud.Problems());
        Assert.Empty(PollingOptions.Local.Problems());
    }

    [Fact]
    public void Problems_JitterThatCouldShrinkDelays_Reported()
    {
        // Act
        var problems = (PollingOptions.Cloud with { JitterFraction = 0.5 }).Problems();

        // Assert
        Assert.Equal(["(1 - JitterFraction) * GrowthFactor must be at least 1, or delays can shrink"], problems);
    }

    private static bool Uncapped(PollingOptions options, int poll) =>
        options.FirstDelay.TotalMilliseconds * Math.Pow(options.GrowthFactor, poll) < options.MaxDelay.TotalMilliseconds;
}
