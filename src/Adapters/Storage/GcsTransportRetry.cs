using System.Net;
using Polly;
using Polly.Timeout;

namespace Orchestration.Adapters.Storage;

/// <summary>
/// What the HTTP pipeline under Google.Cloud.Storage.V1 resends by itself: only what the library leaves
/// unretried, and only for requests that are safe to send twice.
/// </summary>
/// <remarks>
/// The library (5.0.0) retries error statuses (408, 429, 500, 502, 503, 504) of the JSON calls it treats
/// as idempotent, and marks exactly those with <c>x-goog-gcs-idempotency-token</c>; it recovers a failed
/// resumable chunk by asking the session how far it got (5xx and transport failures). It does not resend
/// after a transport failure (timeout, refused connection) of any call, nor retry the resumable session
/// POST or a media download at all, nor a chunk answered 429. This fills exactly those gaps:
/// <list type="bullet">
/// <item>a transport failure of a request the library marked idempotent, of any GET, or of the session POST;</item>
/// <item>a 408/429/5xx (but 501) answer to the session POST (opening a session stores nothing) or to a
/// media GET (<c>alt=media</c>);</item>
/// <item>a 429 answer to a chunk or session-status PUT (refused before anything was stored).</item>
/// </list>
/// Statuses the library retries are left to it, so one failure is never retried twice over.
/// </remarks>
internal static class GcsTransportRetry
{
    /// <summary>Header the library puts on every request it considers idempotent (and retries).</summary>
    public const string IdempotencyTokenHeader = "x-goog-gcs-idempotency-token";

    /// <summary>Whether the pipeline should send <paramref name="request"/> again after <paramref name="outcome"/>.</summary>
    /// <param name="request">The request, or null when unknown (never retried).</param>
    /// <param name="outcome">The attempt's response or exception.</param>
    /// <param name="cancellationToken">The token of the send: once cancelled, nothing is retried.</param>
    /// <returns>True to resend.</returns>
    public static bool ShouldRetry(HttpRequestMessage? request, Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken)
    {
        if (request?.RequestUri is not { } uri)
        {
            return false;
        }

        var kind = Classify(request.Method, uri, request.Headers.Contains(IdempotencyTokenHeader));
        return outcome switch
        {
            { Exception: TimeoutRejectedException or HttpRequestException } => ResendsAfterTransportFailure(kind),
            { Exception: OperationCanceledException } => !cancellationToken.IsCancellationRequested && ResendsAfterTransportFailure(kind),
            { Result: { } response } => ResendsAfterStatus(kind, response.StatusCode),
            _ => false,
        };
    }

    private static bool ResendsAfterTransportFailure(RequestKind kind) =>
        kind is RequestKind.LibraryRetried or RequestKind.Read or RequestKind.MediaRead or RequestKind.SessionStart;

    private static bool ResendsAfterStatus(RequestKind kind, HttpStatusCode status) => kind switch
    {
        RequestKind.MediaRead or RequestKind.SessionStart => IsTransient(status),
        RequestKind.SessionPut => status == HttpStatusCode.TooManyRequests,
        _ => false,
    };

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        || ((int)status >= 500 && status != HttpStatusCode.NotImplemented);

    private static RequestKind Classify(HttpMethod method, Uri uri, bool markedIdempotent)
    {
        var query = uri.Query;
        if (method == HttpMethod.Put && HasParameter(query, "upload_id"))
        {
            return RequestKind.SessionPut;
        }

        if (method == HttpMethod.Post && HasParameter(query, "uploadType", "resumable"))
        {
            return RequestKind.SessionStart;
        }

        if (method == HttpMethod.Get && HasParameter(query, "alt", "media"))
        {
            return RequestKind.MediaRead;
        }

        return markedIdempotent ? RequestKind.LibraryRetried : method == HttpMethod.Get ? RequestKind.Read : RequestKind.Other;
    }

    private static bool HasParameter(string query, string name, string? value = null)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? pair : pair[..eq];
            if (key == name && (value is null || (eq >= 0 && pair[(eq + 1)..] == value)))
            {
                return true;
            }
        }

        return false;
    }

    private enum RequestKind
    {
        /// <summary>Not safe to resend (an unguarded delete or patch, a write the library does not retry).</summary>
        Other,

        /// <summary>A JSON call the library retries on error statuses (it carries the idempotency token).</summary>
        LibraryRetried,

        /// <summary>Another GET.</summary>
        Read,

        /// <summary>A media download (<c>alt=media</c>).</summary>
        MediaRead,

        /// <summary>The POST that opens a resumable upload session.</summary>
        SessionStart,

        /// <summary>A chunk or status PUT to an open session.</summary>
        SessionPut,
    }
}
