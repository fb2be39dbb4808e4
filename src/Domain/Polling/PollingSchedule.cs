using System.Globalization;

namespace Orchestration.Domain.Polling;

/// <summary>When a run orchestrator polls, when it asks Cloud Run about the execution, and how long a
/// throttled start waits (shared/DESIGN.md section 5, run orchestrator step 2).</summary>
/// <remarks>Pure and deterministic: the jitter comes from a stable hash of the run key, never from a
/// random source, so a replaying orchestrator computes the same timers.</remarks>
public static class PollingSchedule
{
    /// <summary>The delay before poll number <paramref name="poll"/> of a run attempt.</summary>
    /// <param name="options">The schedule.</param>
    /// <param name="runKey">The run's instance id (e.g. <c>b1:t0:r3</c>), optionally with the attempt.</param>
    /// <param name="poll">The poll number, from 0.</param>
    /// <returns>min(first * growth^poll, cap), shortened by the jitter, in whole milliseconds.</returns>
    public static TimeSpan PollDelay(PollingOptions options, string runKey, int poll)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Delay(options.FirstDelay, options.GrowthFactor, options.MaxDelay, options.JitterFraction, $"poll|{runKey}|{Number(poll)}", poll);
    }

    /// <summary>The wait after the <paramref name="throttles"/>-th consecutive throttled start (from 0).</summary>
    /// <param name="options">The schedule.</param>
    /// <param name="runKey">The run's instance id.</param>
    /// <param name="throttles">Throttled starts so far in this attempt, minus one.</param>
    /// <returns>min(first * growth^throttles, cap), shortened by the throttle jitter.</returns>
    /// <remarks>A throttled start does not spend an attempt; the wait spreads runs over the quota window.</remarks>
    public static TimeSpan ThrottleDelay(PollingOptions options, string runKey, int throttles)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Delay(options.ThrottleFirstDelay, options.ThrottleGrowthFactor, options.ThrottleMaxDelay,
            options.ThrottleJitterFraction, $"throttle|{runKey}|{Number(throttles)}", throttles);
    }

    /// <summary>Whether poll number <paramref name="poll"/> should GET the execution when
    /// <c>result.json</c> is still absent.</summary>
    /// <param name="options">The schedule.</param>
    /// <param name="poll">The poll number, from 0.</param>
    /// <param name="sinceStart">Time since the attempt's start request.</param>
    /// <returns>True on every k-th poll, and on every poll once past <see cref="PollingOptions.ExecutionCheckAfter"/>.</returns>
    public static bool ShouldCheckExecution(PollingOptions options, int poll, TimeSpan sinceStart)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(poll);
        return (poll + 1) % Math.Max(1, options.ExecutionCheckEvery) == 0 || sinceStart >= options.ExecutionCheckAfter;
    }

    /// <summary>When the next poll timer should fire: after the delay, but never past the deadline.</summary>
    /// <param name="now">The orchestration's current UTC time.</param>
    /// <param name="delay">The poll delay.</param>
    /// <param name="deadline">The current deadline (see <see cref="RunDeadlines.Next"/>).</param>
    /// <returns>The earlier of now + delay and the deadline (never before now).</returns>
    public static DateTime NextPollAt(DateTime now, TimeSpan delay, DateTime deadline)
    {
        var due = now + delay;
        return due <= deadline ? due : (deadline < now ? now : deadline);
    }

    private static TimeSpan Delay(TimeSpan first, double growth, TimeSpan cap, double jitter, string seed, int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var capMs = cap.TotalMilliseconds;
        var baseMs = Math.Min(first.TotalMilliseconds * Math.Pow(growth, step), capMs);
        var jittered = baseMs * (1 - (jitter * StableHash.Unit(seed)));
        return TimeSpan.FromMilliseconds(Math.Min(Math.Round(jittered), capMs));
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
