
namespace Orchestration.Adapters.CloudRun;

/// <summary>A token bucket over <see cref="TimeProvider"/>: <c>startsPerMinute</c> refill, <c>burst</c> capacity.</summary>
/// <remarks>
/// Written here rather than using System.Threading.RateLimiting's TokenBucketRateLimiter because that
/// one replenishes on its own timer and cannot take a <see cref="TimeProvider"/>, so pacing could not be
/// tested with a fake clock. Waiters reserve tokens in arrival order (the count goes negative).
/// </remarks>
public sealed class TokenBucketStartRateLimiter : IStartRateLimiter
{
    private readonly Lock _lock = new();
    private readonly double _perSecond;
    private readonly double _capacity;
    private readonly TimeProvider _time;
    private double _tokens;
    private long _stamp;

    /// <summary>Creates a full bucket.</summary>
    /// <param name="startsPerMinute">Refill rate.</param>
    /// <param name="burst">Capacity (starts allowed back to back).</param>
    /// <param name="timeProvider">Clock.</param>
    public TokenBucketStartRateLimiter(double startsPerMinute, int burst, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(startsPerMinute);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _perSecond = startsPerMinute / 60.0;
        _capacity = burst;
        _tokens = burst;
        _time = timeProvider;
        _stamp = timeProvider.GetTimestamp();
    }

    /// <inheritdoc />
    public async ValueTask<StartSlot> AcquireAsync(TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        TimeSpan wait;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_capacity, _tokens + (_time.GetElapsedTime(_stamp, now).TotalSeconds * _perSecond));
            _stamp = now;
            wait = _tokens >= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds((1 - _tokens) / _perSecond);
            if (wait > maxWait)
            {
                return new StartSlot(false, wait);
            }

            _tokens -= 1;
        }

        if (wait > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(wait, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                lock (_lock)
                {
                    _tokens += 1;
                }

                throw;
            }
        }

        return new StartSlot(true, TimeSpan.Zero);
    }
}
