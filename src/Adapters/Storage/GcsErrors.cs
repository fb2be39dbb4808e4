using Google;
using Google.Apis.Auth.OAuth2.Responses;
using Google.Apis.Requests;
using Google.Apis.Services;
using Newtonsoft.Json;
using Orchestration.Activities;
using Polly.Timeout;

namespace Orchestration.Adapters.Storage;

/// <summary>Turns what Google.Cloud.Storage.V1 throws into the one <see cref="CloudServiceException"/> the activities decide on.</summary>
internal static class GcsErrors
{
    /// <summary>Runs a library call and translates its failures.</summary>
    /// <typeparam name="T">The call's result.</typeparam>
    /// <param name="what">Method and object for the message (never a query string: upload ids stay out of logs).</param>
    /// <param name="call">The call.</param>
    /// <param name="cancellationToken">The caller's token: its cancellation is passed through untouched.</param>
    /// <returns>The call's result.</returns>
    public static async Task<T> RunAsync<T>(string what, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (Translate(what, ex, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>The exception for an error answer to a request sent outside the library's request execution (the media GET).</summary>
    /// <param name="service">The library's service, which decodes Google JSON errors.</param>
    /// <param name="response">The non-success response.</param>
    /// <param name="what">Method and object for the message.</param>
    /// <returns>The exception to throw.</returns>
    public static async Task<CloudServiceException> FromResponseAsync(IClientService service, HttpResponseMessage response, string what)
    {
        var status = (int)response.StatusCode;
        RequestError? error = null;
        try
        {
            error = await service.DeserializeError(response);
        }
        catch (Exception ex) when (ex is GoogleApiException or JsonException)
        {
            // A proxy or load balancer answered with something else; the status still says enough.
        }

        var message = error?.Message is { Length: > 0 } m ? m : $"HTTP {status} from {what}";
        return new CloudServiceException(status, null, message, error?.Errors?.FirstOrDefault()?.Reason);
    }

    /// <summary>The <see cref="CloudServiceException"/> for a failure, or null to let it through (caller cancellation, bugs).</summary>
    /// <param name="what">Method and object for the message.</param>
    /// <param name="exception">The failure.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The translated exception or null.</returns>
    public static CloudServiceException? Translate(string what, Exception exception, CancellationToken cancellationToken)
    {
        // The upload path may hand back the failure wrapped; the first known cause decides.
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case CloudServiceException cloud:
                    return cloud;
                case GoogleApiException api when api.HttpStatusCode != 0:
                    var status = (int)api.HttpStatusCode;
                    var message = api.Error?.Message is { Length: > 0 } m ? m : $"HTTP {status} from {what}";
                    return new CloudServiceException(status, null, message, api.Error?.Errors?.FirstOrDefault()?.Reason, exception);
                case TokenResponseException token:
                    // The token service refused (bad key, federation misconfigured): permanent until fixed.
                    return new CloudServiceException(401, "UNAUTHENTICATED", $"Could not get a Google access token: {token.Error?.Error ?? token.Message}", innerException: exception);
                case TimeoutRejectedException:
                    return new CloudServiceException(504, "DEADLINE_EXCEEDED", $"{what} timed out.", innerException: exception);
                case OperationCanceledException when !cancellationToken.IsCancellationRequested:
                    // The library client's total timeout (HttpClient.Timeout), not the caller.
                    return new CloudServiceException(504, "DEADLINE_EXCEEDED", $"{what} timed out.", innerException: exception);
                case HttpRequestException http:
                    return new CloudServiceException(503, "UNAVAILABLE", $"{what} failed: {http.Message}", innerException: exception);
                default:
                    break;
            }
        }

        return null;
    }
}
