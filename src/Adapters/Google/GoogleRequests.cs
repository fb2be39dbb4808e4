using System.Net.Http.Json;
using System.Text.Json;
using Orchestration.Activities;
using Polly.Timeout;

namespace Orchestration.Adapters.Google;

/// <summary>Request marking, sending and error decoding of the Cloud Run REST adapter (Cloud Storage goes through Google.Cloud.Storage.V1).</summary>
internal static class GoogleRequests
{
    /// <summary>Set on a request that may be sent again after an ambiguous failure.</summary>
    public static readonly HttpRequestOptionsKey<bool> Retryable = new("Orchestration.Google.Retryable");

    /// <summary>Sends a request through the resilience pipeline and maps transport failures to <see cref="CloudServiceException"/>.</summary>
    /// <param name="http">Client from the factory (resilience + auth handlers).</param>
    /// <param name="request">The request.</param>
    /// <param name="retryable">True only for idempotent or precondition-guarded calls.</param>
    /// <param name="completion">Buffer or stream the body.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The response, any status.</returns>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient http,
        HttpRequestMessage request,
        bool retryable,
        HttpCompletionOption completion,
        CancellationToken cancellationToken)
    {
        request.Options.Set(Retryable, retryable);
        try
        {
            return await http.SendAsync(request, completion, cancellationToken);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new CloudServiceException(504, "DEADLINE_EXCEEDED", $"{request.Method} {Describe(request)} timed out.", innerException: ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CloudServiceException(504, "DEADLINE_EXCEEDED", $"{request.Method} {Describe(request)} timed out.", innerException: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new CloudServiceException(503, "UNAVAILABLE", $"{request.Method} {Describe(request)} failed: {ex.Message}", innerException: ex);
        }
    }

    /// <summary>Reads a Google JSON error body (<c>{"error":{"code","message","status","errors":[{"reason"}]}}</c>).</summary>
    /// <param name="response">A non-success response.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The exception to throw.</returns>
    public static async Task<CloudServiceException> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string? code = null;
        string? reason = null;
        var message = $"HTTP {status} from {response.RequestMessage?.Method} {(response.RequestMessage is { } r ? Describe(r) : "?")}";
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (text.Length > 0 && text[0] == '{')
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                {
                    code = error.TryGetProperty("status", out var s) ? s.GetString() : null;
                    message = error.TryGetProperty("message", out var m) && m.GetString() is { Length: > 0 } msg ? msg : message;
                    if (error.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0
                        && errors[0].TryGetProperty("reason", out var re))
                    {
                        reason = re.GetString();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // A proxy or load balancer answered with something else; the status still says enough.
        }

        return new CloudServiceException(status, code, message, reason);
    }

    /// <summary>Throws the decoded error unless the response succeeded.</summary>
    /// <param name="response">The response.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A task.</returns>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ReadErrorAsync(response, cancellationToken);
        }
    }

    /// <summary>Reads a JSON body as a document element.</summary>
    /// <param name="response">A success response.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The root element (cloned, safe to keep).</returns>
    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync(AdaptersJsonContext.Default.JsonElement, cancellationToken);

    /// <summary>Retry-After of a response, if any.</summary>
    /// <param name="response">The response.</param>
    /// <param name="time">The clock an HTTP-date form is measured against (the injected one, so tests and
    /// pacing agree on "now").</param>
    /// <returns>The delay or null.</returns>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => null,
        };

    // Path only: query strings may carry upload ids, never worth logging.
    private static string Describe(HttpRequestMessage request) => request.RequestUri?.AbsolutePath ?? "?";
}
