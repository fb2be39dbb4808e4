using Microsoft.Extensions.Time.Testing;
using Orchestration.Adapters.CloudRun;

namespace Orchestration.Activities.Tests.CloudRun;

public sealed class TokenBucketStartRateLimiterTests
{
    [Fact]
    public async Task Acquire_AfterBurst_WaitsForRefillOnTheClock()
    {
        var clock = new FakeTimeProvider();
        var bucket = new TokenBucketStartRateLimiter(startsPerMinute: 60, burst: 2, clock);

        var first = await bucket.AcquireAsync(TimeSpan.FromSeconds(10));
        var second = await bucket.AcquireAsync(TimeSpan.FromSeconds(10));
        var third = bucket.AcquireAsync(TimeSpan.FromSeconds(10)).AsTask();
        var fourth = bucket.AcquireAsync(TimeSpan.FromSeconds(10)).AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(999));
        var thirdEarly = third.IsCompleted;
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var thirdSlot = await third;
        var fourthEarly = fourth.IsCompleted;
        clock.Advance(TimeSpan.FromSeconds(1));
        var fourthSlot = await fourth;

        Assert.True(first.Acquired && second.Acquired);
        Assert.False(thirdEarly);
        Assert.True(thirdSlot.Acquired);
        Assert.False(fourthEarly);
        Assert.True(fourthSlot.Acquired);
    }

    [Fact]
    public async Task Acquire_WaitLongerThanAllowed_RefusedWithoutSpendingAToken()
    {
        var clock = new FakeTimeProvider();
        var bucket = new TokenBucketStartRateLimiter(startsPerMinute: 6, burst: 1, clock);
        await bucket.AcquireAsync(TimeSpan.Zero);

        var refused = await bucket.AcquireAsync(TimeSpan.FromSeconds(5));
        clock.Advance(TimeSpan.FromSeconds(10));
        var afterRefill = bucket.AcquireAsync(TimeSpan.Zero);

        Assert.False(refused.Acquired);
        Assert.Equal(TimeSpan.FromSeconds(10), refused.RetryAfter);
        Assert.True(afterRefill.IsCompleted);
        Assert.True((await afterRefill).Acquired);
    }

    [Fact]
    public async Task Acquire_CancelledWhileWaiting_GivesTheTokenBack()
    {
        var clock = new FakeTimeProvider();
        var bucket = new TokenBucketStartRateLimiter(startsPerMinute: 60, burst: 1, clock);
        await bucket.AcquireAsync(TimeSpan.Zero);
        using var cancel = new CancellationTokenSource();

        var waiting = bucket.AcquireAsync(TimeSpan.FromSeconds(5), cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        clock.Advance(TimeSpan.FromSeconds(1));
        var next = await bucket.AcquireAsync(TimeSpan.Zero);

        Assert.True(next.Acquired);
    }
}
