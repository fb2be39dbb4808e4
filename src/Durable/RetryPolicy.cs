namespace Orchestration.Durable;

/// <summary>Declarative retry policy for an activity or sub-orchestration call, as Durable Task's <c>RetryPolicy</c>.</summary>
/// <remarks>Retries are orchestrator-side: each wait between attempts is a durable timer recorded in history,
/// so retries survive restarts and replay deterministically.</remarks>
public sealed class RetryPolicy
{
    /// <summary>Creates a retry policy.</summary>
    /// <param name="maxNumberOfAttempts">Total attempts, the first included; at least 1.</param>
    /// <param name="firstRetryInterval">Delay before the second attempt; positive.</param>
    /// <param name="backoffCoefficient">Multiplier applied to the delay after each attempt; at least 1.</param>
    /// <param name="maxRetryInterval">Upper bound of one delay; default one hour.</param>
    /// <param name="retryTimeout">Overall time after which no more attempts start; default infinite.</param>
    public RetryPolicy(int maxNumberOfAttempts, TimeSpan firstRetryInterval, double backoffCoefficient = 1.0, TimeSpan? maxRetryInterval = null, TimeSpan? retryTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNumberOfAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstRetryInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(backoffCoefficient, 1.0);
        if (maxRetryInterval is { } max && max < firstRetryInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRetryInterval), "The maximum retry interval must not be shorter than the first.");
        }

        MaxNumberOfAttempts = maxNumberOfAttempts;
        FirstRetryInterval = firstRetryInterval;
        BackoffCoefficient = backoffCoefficient;
        MaxRetryInterval = maxRetryInterval ?? TimeSpan.FromHours(1);
        RetryTimeout = retryTimeout ?? Timeout.InfiniteTimeSpan;
    }

    /// <summary>Total attempts, the first included.</summary>
    public int MaxNumberOfAttempts { get; }

    /// <summary>Delay before the second attempt.</summary>
    public TimeSpan FirstRetryInterval { get; }

    /// <summary>Multiplier applied to the delay after each attempt.</summary>
    public double BackoffCoefficient { get; }

    /// <summary>Upper bound of one delay.</summary>
    public TimeSpan MaxRetryInterval { get; }

    /// <summary>Overall time after which no more attempts start (<see cref="Timeout.InfiniteTimeSpan"/>: none).</summary>
    public TimeSpan RetryTimeout { get; }

    /// <summary>Decides whether a failure is retried; all failures are retried when unset.</summary>
    /// <remarks>Sees the real failure details of the attempt, so permanent failures can be skipped.</remarks>
    public Func<TaskFailureDetails, bool> HandleFailure { get; init; } = static _ => true;

    /// <summary>The delay before the attempt after <paramref name="failedAttempt"/> (1-based).</summary>
    /// <param name="failedAttempt">The attempt that failed, 1 for the first.</param>
    /// <returns>The delay, capped by <see cref="MaxRetryInterval"/>.</returns>
    public TimeSpan GetDelay(int failedAttempt)
    {
        var ticks = FirstRetryInterval.Ticks * Math.Pow(BackoffCoefficient, failedAttempt - 1);
        return ticks >= MaxRetryInterval.Ticks ? MaxRetryInterval : TimeSpan.FromTicks((long)ticks);
    }
}
