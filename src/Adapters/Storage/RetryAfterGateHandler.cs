
namespace Orchestration.Adapters.Storage;

/// <summary>
/// Holds back the resend of a request answered 429 or 503 with <c>Retry-After</c> until that time has
/// passed, whoever resends it: the library reuses the same request message for its retries, which carry
/// only its own exponential backoff.
/// </summary>
/// <remarks>
/// Only a resend waits: an answer that is not retried is handed up at once. The wait is the rest of the
/// Retry-After once the retrier's own delay has passed, so a retry comes after the larger of the two.
/// </remarks>
/// <param name="timeProvider">Clock of the waits.</param>
internal sealed class RetryAfterGateHandler(TimeProvider timeProvider) : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<DateTimeOffset> NotBefore = new("Orchestration.Storage.NotBefore");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(NotBefore, out var notBefore) && notBefore - timeProvider.GetUtcNow() is { Ticks: > 0 } wait)
        {
            await Task.Delay(wait, timeProvider, cancellationToken);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if ((int)response.StatusCode is 429 or 503 && RetryAfter(response) is { Ticks: > 0 } delay)
        {
            request.Options.Set(NotBefore, timeProvider.GetUtcNow() + delay);
        }

        return response;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - timeProvider.GetUtcNow(),
            _ => null,
        };
}
