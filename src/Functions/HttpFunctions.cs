using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestration.Api;
using Orchestration.Workflows.Service;

namespace Orchestration.Functions;

/// <summary>The HTTP API of src/Api (DESIGN.md section 11) as HTTP triggers: same routes (the host's route prefix
/// is <c>api</c>), same handlers, so the same payloads, status codes and problem details. Keys are the host's
/// function keys (<c>x-functions-key</c>); only <c>/api/health</c> and <c>/api/schema/batch.json</c> are anonymous, as in the standalone server.
/// Durable's own management URLs are never returned: responses carry this API's links only.
/// The handlers' <c>IResult</c> writes the status code and headers (202/200, <c>Location</c>, <c>Retry-After</c>) on
/// the ASP.NET Core response as it does in the standalone server.</summary>
/// <param name="batches">Builds the batch service around each invocation's durable client.</param>
/// <param name="options">The API options (limits, page sizes).</param>
/// <param name="batchOptions">The batch service options (the polling schedule behind <c>Retry-After</c>).</param>
/// <param name="time">The clock.</param>
/// <param name="loggers">Loggers for the handlers.</param>
public sealed class HttpFunctions(BatchServices batches, IOptions<ApiOptions> options, IOptions<BatchServiceOptions> batchOptions, TimeProvider time, ILoggerFactory loggers)
{
    /// <summary><c>GET /api/health</c>.</summary>
    /// <param name="request">The request.</param>
    /// <returns>200 <c>{"status":"ok"}</c>.</returns>
    [Function("Health")]
    public static IResult Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) =>
        Results.Json(new { status = "ok" });

    /// <summary><c>GET /api/schema/batch.json</c>: the batch document's JSON Schema with this host's limits (anonymous, like health).</summary>
    /// <param name="request">The request.</param>
    /// <returns>The schema.</returns>
    [Function("BatchSchema")]
    public static IResult BatchSchema([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schema/batch.json")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SchemaHandlers.Batch(request.HttpContext.RequestServices.GetRequiredService<IOptions<BatchServiceOptions>>());
    }

    /// <summary><c>GET /api/ui/{*asset}</c>: the web dashboard (anonymous like health: the page holds no data, asks for a
    /// function key and sends it as <c>x-functions-key</c> on each API call).</summary>
    /// <param name="request">The request.</param>
    /// <param name="asset">The file (empty for the page).</param>
    /// <returns>The file.</returns>
    [Function("Dashboard")]
    public static IResult Dashboard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ui/{*asset}")] HttpRequest request, string? asset)
    {
        ArgumentNullException.ThrowIfNull(request);
        return DashboardHandlers.Asset(asset, request.HttpContext);
    }

    /// <summary><c>GET /api/openapi.json</c>.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The OpenAPI document.</returns>
    [Function("OpenApi")]
    public static IResult OpenApi([HttpTrigger(AuthorizationLevel.Function, "get", Route = "openapi.json")] HttpRequest request) =>
        Results.Text(OpenApiDocument.Json, "application/json");

    /// <summary><c>POST /api/batches</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>202 with links, or a problem.</returns>
    [Function("SubmitBatch")]
    public Task<IResult> Submit(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "batches")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        BatchHandlers.SubmitAsync(request, batches.For(client), options, batchOptions, time, loggers, request.HttpContext.RequestAborted);

    /// <summary><c>GET /api/batches</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>A page of batches.</returns>
    [Function("ListBatches")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "batches")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        BatchHandlers.ListAsync(request, batches.For(client), options, request.HttpContext.RequestAborted);

    /// <summary><c>GET /api/batches/{id}</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The batch id.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The status document: 202 with Retry-After while the batch runs, 200 once ended (<c>?wait=</c> long-polls).</returns>
    [Function("GetBatchStatus")]
    public Task<IResult> Status(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "batches/{id}")] HttpRequest request, string id, [DurableClient] DurableTaskClient client) =>
        BatchHandlers.StatusAsync(id, request, batches.For(client), options, batchOptions, time, request.HttpContext.RequestAborted);

    /// <summary><c>GET /api/batches/{id}/results</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The batch id.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The aggregate (JSON or CSV).</returns>
    [Function("GetBatchResults")]
    public Task<IResult> GetResults(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "batches/{id}/results")] HttpRequest request, string id, [DurableClient] DurableTaskClient client) =>
        BatchHandlers.ResultsAsync(id, request, batches.For(client), request.HttpContext.RequestAborted);

    /// <summary><c>GET /api/batches/{id}/runs</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The batch id.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>Run rows (JSON, JSONL or CSV).</returns>
    [Function("GetBatchRuns")]
    public Task<IResult> Runs(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "batches/{id}/runs")] HttpRequest request, string id, [DurableClient] DurableTaskClient client) =>
        RunHandlers.RunsAsync(id, request.HttpContext, batches.For(client), options, request.HttpContext.RequestAborted);

    /// <summary><c>GET /api/batches/{id}/events</c> (Server-Sent Events).</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The batch id.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The event stream, written to the response until the batch ends.</returns>
    /// <remarks>The ASP.NET Core integration hands the handler the live response body, so the stream is held
    /// here as in the standalone server, within the host's function timeout (a client resumes with Last-Event-ID).</remarks>
    [Function("GetBatchEvents")]
    public Task<IResult> Events(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "batches/{id}/events")] HttpRequest request, string id, [DurableClient] DurableTaskClient client) =>
        EventHandlers.EventsAsync(id, request.HttpContext, batches.For(client), time, request.HttpContext.RequestAborted);

    /// <summary><c>GET /api/batches/{id}/runs/{task}/{index}/artifacts/{name}</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The batch id.</param>
    /// <param name="task">The task id.</param>
    /// <param name="index">The run index.</param>
    /// <param name="name">The artifact name.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The artifact, streamed.</returns>
    [Function("GetRunArtifact")]
    public Task<IResult> Artifact(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "batches/{id}/runs/{task}/{index:int}/artifacts/{name}")] HttpRequest request,
        string id, string task, int index, string name, [DurableClient] DurableTaskClient client) =>
        RunHandlers.ArtifactAsync(id, task, index, name, request.HttpContext, batches.For(client), request.HttpContext.RequestAborted);

    /// <summary><c>POST /api/batches/{id}/cancel</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The batch id.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>202, or a problem.</returns>
    [Function("CancelBatch")]
    public Task<IResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "batches/{id}/cancel")] HttpRequest request, string id, [DurableClient] DurableTaskClient client) =>
        BatchHandlers.CancelAsync(id, request, batches.For(client), request.HttpContext.RequestAborted);

    /// <summary><c>POST /api/batches/{id}/rejudge</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The batch id.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>202 with the results version's URI, or a problem.</returns>
    [Function("RejudgeBatch")]
    public Task<IResult> Rejudge(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "batches/{id}/rejudge")] HttpRequest request, string id, [DurableClient] DurableTaskClient client) =>
        BatchHandlers.RejudgeAsync(id, request, batches.For(client), options, loggers, request.HttpContext.RequestAborted);

    /// <summary><c>POST /api/batches/{id}/rerun</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The batch id.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>202 with the results version's URI, or a problem.</returns>
    [Function("RerunBatch")]
    public Task<IResult> Rerun(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "batches/{id}/rerun")] HttpRequest request, string id, [DurableClient] DurableTaskClient client) =>
        BatchHandlers.RerunAsync(id, request, batches.For(client), options, loggers, request.HttpContext.RequestAborted);

    /// <summary><c>DELETE /api/batches/{id}</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The batch id.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>202, or a problem.</returns>
    [Function("PurgeBatch")]
    public Task<IResult> Purge(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "batches/{id}")] HttpRequest request, string id, [DurableClient] DurableTaskClient client) =>
        BatchHandlers.PurgeAsync(id, batches.For(client), request.HttpContext.RequestAborted);

    /// <summary><c>PUT /api/inputs/{sha256}</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="sha256">The bundle's hash.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>201/200, or a problem.</returns>
    [Function("PutInputBundle")]
    public Task<IResult> PutInput(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "inputs/{sha256}")] HttpRequest request, string sha256, [DurableClient] DurableTaskClient client) =>
        InputHandlers.PutAsync(sha256, request, batches.For(client), options, loggers, request.HttpContext.RequestAborted);

    /// <summary><c>GET /api/compare?a=ID&amp;b=ID&amp;map=&amp;mde=</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The comparison, or a problem.</returns>
    [Function("CompareBatches")]
    public Task<IResult> Compare(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "compare")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        CompareHandlers.CompareAsync(request, batches.For(client), request.HttpContext.RequestAborted);
}
