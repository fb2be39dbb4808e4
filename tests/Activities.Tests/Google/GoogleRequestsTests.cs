using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using Orchestration.Adapters.Google;

namespace Orchestration.Activities.Tests.Google;

public sealed class GoogleRequestsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 21, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RetryAfter_HttpDate_MeasuredAgainstTheInjectedClock()
    {
        // The fake clock is years away from the machine's: only the injected clock can give 90 s.
        var clock = new FakeTimeProvider(Now);
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(90));

        var delay = GoogleRequests.RetryAfter(response, clock);

        Assert.Equal(TimeSpan.FromSeconds(90), delay);
    }

    [Fact]
    public void RetryAfter_ClockAdvanced_DelayShrinks()
    {
        var clock = new FakeTimeProvider(Now);
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(90));

        clock.Advance(TimeSpan.FromSeconds(60));
        var delay = GoogleRequests.RetryAfter(response, clock);

        Assert.Equal(TimeSpan.FromSeconds(30), delay);
    }

    [Fact]
    public void RetryAfter_Delta_TakenAsIs()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));

        Assert.Equal(TimeSpan.FromSeconds(7), GoogleRequests.RetryAfter(response, new FakeTimeProvider(Now)));
    }

    [Fact]
    public void RetryAfter_NoHeader_Null()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);

        Assert.Null(GoogleRequests.RetryAfter(response, new FakeTimeProvider(Now)));
    }
}
