using Microsoft.AspNetCore.Http;

namespace Orchestration.Api;

/// <summary>The links of a batch, relative to the host (never Durable's management URLs).</summary>
/// <param name="Id">The batch id.</param>
/// <param name="StatusUri">Its status document.</param>
/// <param name="ResultsUri">Its aggregate.</param>
/// <param name="RunsUri">Its run rows.</param>
/// <param name="CancelUri">POST here to cancel.</param>
public sealed record Links(string Id, string StatusUri, string ResultsUri, string RunsUri, string CancelUri)
{
    /// <summary>The links of a batch as seen from this request.</summary>
    /// <param name="request">The request (for its path base).</param>
    /// <param name="id">The batch id.</param>
    /// <returns>The links.</returns>
    public static Links For(HttpRequest request, string id)
    {
        ArgumentNullException.ThrowIfNull(request);
        var status = $"{request.PathBase}/api/batches/{Uri.EscapeDataString(id)}";
        return new Links(id, status, status + "/results", status + "/runs", status + "/cancel");
    }
}
