using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orchestration.Domain;
using Orchestration.Domain.Polling;

namespace Orchestration.Api;

/// <summary>The asynchronous request-reply answer Durable Functions' status URLs give, for a batch: 202 with
/// <c>Location</c> and <c>Retry-After</c> while it runs, 200 once it has ended.</summary>
internal static class StatusAnswer
{
    /// <summary>Whether a status-document status means the batch has ended (no more change but a purge).</summary>
    public static bool HasEnded(string status) =>
        Enum.TryParse<BatchStatus>(status, ignoreCase: true, out var value) && (BatchStatusRules.IsFinished(value) || value == BatchStatus.Purging);

    /// <summary>The document with the status code and headers of a batch in <paramref name="status"/>.</summary>
    /// <param name="document">The answer's body.</param>
    /// <param name="status">The batch's status.</param>
    /// <param name="createdAt">When it was submitted (its age sets Retry-After).</param>
    /// <param name="links">Its links (Location is the status URI).</param>
    /// <param name="polling">The polling schedule.</param>
    /// <param name="time">The clock.</param>
    /// <param name="statusCode">The code, when not the status's own (a submission is always 202).</param>
    /// <returns>The result.</returns>
    public static IResult Of(JsonObject document, string status, DateTimeOffset createdAt, Links links, PollingOptions polling, TimeProvider time, int? statusCode = null)
    {
        var ended = HasEnded(status);
        var inner = Results.Text(document.ToJsonString(ApiJson.Options), "application/json", Encoding.UTF8,
            statusCode ?? (ended ? StatusCodes.Status200OK : StatusCodes.Status202Accepted));
        int? retryAfter = ended ? null : StatusRetryAfter.Seconds(polling, time.GetUtcNow() - createdAt);
        return new WithHeaders(inner, links.StatusUri, retryAfter);
    }

    /// <summary>Adds <c>Location</c> (and <c>Retry-After</c> when given) to a result.</summary>
    private sealed class WithHeaders(IResult inner, string location, int? retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.Headers.Location = location;
            if (retryAfter is { } seconds)
            {
                httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return inner.ExecuteAsync(httpContext);
        }
    }
}
