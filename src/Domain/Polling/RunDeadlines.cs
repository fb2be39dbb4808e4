using Orchestration.Domain.Specs;

namespace Orchestration.Domain.Polling;

/// <summary>The deadlines of one attempt: a start grace until the claim, then claim time + the execution's
/// limit (the task's timeout + setup + upload margin, <see cref="AttemptTimeLimits"/>) + grace.</summary>
/// <remarks>Times are UTC <see cref="DateTime"/>s, as the durable context's current time is; the
/// claim time is the runner's <c>startedAt</c> from the claim object.</remarks>
public static class RunDeadlines
{
    /// <summary>When the attempt counts as failed if the runner has not claimed it.</summary>
    /// <param name="startRequestedAt">When <c>StartRun</c> started the execution.</param>
    /// <param name="options">The schedule.</param>
    /// <returns>The claim deadline.</returns>
    public static DateTime ClaimDeadline(DateTime startRequestedAt, PollingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return startRequestedAt + options.StartGrace;
    }

    /// <summary>When a claimed attempt is cancelled and counted as timed out.</summary>
    /// <param name="claimedAt">The claim's time.</param>
    /// <param name="timeoutSeconds">The task's timeout (the work's limit).</param>
    /// <param name="options">The schedule.</param>
    /// <returns>The completion deadline.</returns>
    public static DateTime CompletionDeadline(DateTime claimedAt, int timeoutSeconds, PollingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(timeoutSeconds);
        // Never carved out of the work's time: the runner gives the work timeoutSeconds after its setup,
        // then uploads; Cloud Run ends the execution at the same limit, so past it no result can come.
        return claimedAt + options.AttemptLimits.ExecutionTimeout(timeoutSeconds) + options.TimeoutGrace;
    }

    /// <summary>The deadline that applies now: the claim deadline until claimed, then the completion deadline.</summary>
    /// <param name="startRequestedAt">When <c>StartRun</c> started the execution.</param>
    /// <param name="claimedAt">The claim's time, once seen.</param>
    /// <param name="timeoutSeconds">The task's timeout (the work's limit).</param>
    /// <param name="options">The schedule.</param>
    /// <returns>The deadline.</returns>
    public static DateTime Next(DateTime startRequestedAt, DateTime? claimedAt, int timeoutSeconds, PollingOptions options) =>
        claimedAt is { } claimed
            ? CompletionDeadline(claimed, timeoutSeconds, options)
            : ClaimDeadline(startRequestedAt, options);

    /// <summary>Checks the attempt against its deadlines at <paramref name="now"/>.</summary>
    /// <param name="now">The orchestration's current UTC time.</param>
    /// <param name="startRequestedAt">When <c>StartRun</c> started the execution.</param>
    /// <param name="claimedAt">The claim's time, once seen.</param>
    /// <param name="timeoutSeconds">The task's timeout (the work's limit).</param>
    /// <param name="options">The schedule.</param>
    /// <returns>The status; a deadline is passed at the instant it is reached.</returns>
    public static DeadlineStatus Check(DateTime now, DateTime startRequestedAt, DateTime? claimedAt, int timeoutSeconds, PollingOptions options)
    {
        if (now < Next(startRequestedAt, claimedAt, timeoutSeconds, options))
        {
            return DeadlineStatus.Pending;
        }

        return claimedAt is null ? DeadlineStatus.ClaimMissed : DeadlineStatus.TimedOut;
    }
}
