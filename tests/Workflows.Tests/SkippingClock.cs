using Microsoft.Extensions.Time.Testing;

namespace Orchestration.Workflows.Tests;

/// <summary>A <see cref="FakeTimeProvider"/> that knows when its next timer is due, so a driver can skip straight to
/// it (<see cref="WorkflowHarness"/> does while the engine and the scripted runners are quiet). Every timer made
/// through it counts: the engine's dispatcher wait, <c>Task.Delay(delay, clock)</c>, a runner's parked delay.</summary>
public sealed class SkippingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _gate = new();
    private readonly HashSet<TrackedTimer> _pending = [];
    private long _version;

    /// <summary>Changes whenever a timer is made, moved, fired or disposed: a driver that saw the same value twice
    /// knows no one set a new wait between its looks.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>The earliest due time of a pending timer, or null when none is pending.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count == 0 ? null : _pending.Min(t => t.Due);
            }
        }
    }

    /// <summary>Moves the clock to <paramref name="when"/> (if later), firing every timer due by then.</summary>
    public void AdvanceTo(DateTimeOffset when)
    {
        var by = when - GetUtcNow();
        if (by > TimeSpan.Zero)
        {
            Advance(by);
        }
    }

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this);
        tracked.Track(dueTime, period);
        tracked.Inner = base.CreateTimer(
            s =>
            {
                tracked.Fired();
                callback(s);
            },
            state,
            dueTime,
            period);
        return tracked;
    }

    private sealed class TrackedTimer(SkippingClock clock) : ITimer
    {
        private TimeSpan _period;

        public ITimer? Inner { get; set; }

        public DateTimeOffset Due { get; private set; }

        // The clock is read outside the lock: FakeTimeProvider may hold its own while it fires callbacks.
        public void Track(TimeSpan dueTime, TimeSpan period)
        {
            var now = clock.GetUtcNow();
            lock (clock._gate)
            {
                _period = period;
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    clock._pending.Remove(this);
                }
                else
                {
                    Due = now + dueTime;
                    clock._pending.Add(this);
                }
            }

            Interlocked.Increment(ref clock._version);
        }

        public void Fired()
        {
            var now = clock.GetUtcNow();
            lock (clock._gate)
            {
                if (_period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero)
                {
                    clock._pending.Remove(this);
                }
                else
                {
                    Due = now + _period;
                }
            }

            Interlocked.Increment(ref clock._version);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Track(dueTime, period);
            return Inner!.Change(dueTime, period);
        }

        public void Dispose()
        {
            Untrack();
            Inner?.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            Untrack();
            if (Inner is not null)
            {
                await Inner.DisposeAsync();
            }
        }

        private void Untrack()
        {
            lock (clock._gate)
            {
                clock._pending.Remove(this);
            }

            Interlocked.Increment(ref clock._version);
        }
    }
}
