using Microsoft.AspNetCore.Http;

namespace Orchestration.Api;

/// <summary>The links of a batch, relative to the host (never Durable's management URLs).</summary>
/// <remarks>The last three repeat links under the names Durable Functions' check-status payload uses, so a
/// client written for Durable's asynchronous HTTP pattern finds its way; they point at this API's own routes:
/// the status document, cancel (the product's only event), and purge.</remarks>
/// <param name="Id">The batch id.</param>
/// <param name="StatusUri">Its status document.</param>
/// <param name="ResultsUri">Its aggregate.</param>
/// <param name="RunsUri">Its run rows.</param>
/// <param name="CancelUri">POST here to cancel.</param>
public sealed record Links(string Id, string StatusUri, string ResultsUri, string RunsUri, string CancelUri)
{
    /// <summary>Durable's name for <see cref="StatusUri"/>: GET it to poll (202 while running, 200 once ended).</summary>
    public string StatusQueryGetUri => StatusUri;

    /// <summary>Durable's name for the event URI; here <see cref="CancelUri"/> (POST to cancel).</summary>
    public string SendEventPostUri => CancelUri;

    /// <summary>Durable's name for the purge URI: DELETE <see cref="StatusUri"/> once the batch has ended.</summary>
    public string PurgeHistoryDeleteUri => StatusUri;

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
