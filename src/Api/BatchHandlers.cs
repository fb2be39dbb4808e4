using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Workflows.Service;

namespace Orchestration.Api;

/// <summary>Submit, list, status, results, cancel and purge: parse, call the batch service, map to HTTP.</summary>
internal static class BatchHandlers
{
    public static async Task<IResult> SubmitAsync(HttpRequest request, BatchService service, IOptions<ApiOptions> options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(Logs.Category);
        var limit = options.Value.MaxBodyBytes;
        var body = await Body.ReadAsync(request, limit, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            Logs.BodyTooLarge(logger, limit);
            return Problems.TooLarge(limit);
        }

        var key = request.Headers["Idempotency-Key"].ToString();
        var result = await service.SubmitAsync(body, key.Length > 0 ? key : null, cancellationToken).ConfigureAwait(false);
        switch (result.Kind)
        {
            case SubmitKind.Invalid:
                Logs.SubmissionInvalid(logger, result.Problems.Count);
                return Problems.Validation($"The batch has {result.Problems.Count} problem(s); nothing was started.",
                    result.Problems.Select(p => new ApiProblemError(p.Path, p.Message)));
            case SubmitKind.Conflict:
                Logs.SubmissionConflict(logger, result.BatchId!);
                return Problems.Conflict(result.Reason ?? "A different batch has this id.");
            default:
                var links = Links.For(request, result.BatchId!);
                return new WithLocation(Results.Json(links, BatchJson.Options, statusCode: StatusCodes.Status202Accepted), links.StatusUri);
        }
    }

    public static async Task<IResult> ListAsync(HttpRequest request, BatchService service, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var statuses = new List<BatchStatus>();
        foreach (var value in request.Query["status"].SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!Query.TryEnum<BatchStatus>(value, out var status))
            {
                return Problems.Parameter("status", $"'{Query.Clip(value)}' is not one of {Query.Names<BatchStatus>()}.");
            }

            statuses.Add(status);
        }

        if (!Query.TryTop(request, options.Value, out var top, out var problem))
        {
            return problem;
        }

        var page = await service.ListAsync(new BatchQuery(statuses, PageSize: top, ContinuationToken: Query.Token(request)), cancellationToken).ConfigureAwait(false);
        var items = page.Items.Select(b => new
        {
            id = b.Id,
            status = JsonNamingPolicy.CamelCase.ConvertName(b.Status.ToString()),
            createdAt = b.CreatedAt,
            lastUpdatedAt = b.UpdatedAt,
            totalRuns = b.TotalRuns,
            reason = b.Reason,
            links = Links.For(request, b.Id),
        });
        return Results.Json(new { items, continuationToken = page.ContinuationToken }, RunColumns.Json);
    }

    public static async Task<IResult> StatusAsync(string id, HttpRequest request, BatchService service, CancellationToken cancellationToken)
    {
        var status = await service.GetStatusAsync(id, cancellationToken).ConfigureAwait(false);
        if (status is null)
        {
            return NoBatch(id);
        }

        var node = JsonSerializer.SerializeToNode(status, BatchJson.Options)!.AsObject();
        node["links"] = JsonSerializer.SerializeToNode(Links.For(request, id), BatchJson.Options);
        return Results.Text(node.ToJsonString(), "application/json", Encoding.UTF8);
    }

    public static async Task<IResult> ResultsAsync(string id, HttpRequest request, BatchService service, CancellationToken cancellationToken)
    {
        var format = request.Query["format"].ToString();
        if (format is not ("" or "json" or "csv"))
        {
            return Problems.Parameter("format", "Use json or csv.");
        }

        var json = await service.GetResultsAsync(id, cancellationToken).ConfigureAwait(false);
        if (json is null)
        {
            return Problems.NotFound($"Batch '{Query.Clip(id)}' has no results yet (unknown, or not finished).");
        }

        if (format != "csv")
        {
            return Results.Bytes(json.Value, "application/json");
        }

        var aggregate = JsonSerializer.Deserialize<BatchAggregate>(json.Value.Span, BatchJson.Options)!;
        return Results.Text(ResultsCsvWriter.Write(aggregate), "text/csv; charset=utf-8", Encoding.UTF8);
    }

    public static async Task<IResult> CancelAsync(string id, HttpRequest request, BatchService service, CancellationToken cancellationToken) =>
        await service.CancelAsync(id, cancellationToken).ConfigureAwait(false) switch
        {
            ActionResult.Accepted => Results.Json(Links.For(request, id), BatchJson.Options, statusCode: StatusCodes.Status202Accepted),
            ActionResult.NotFound => NoBatch(id),
            _ => Problems.Conflict($"Batch '{id}' has finished (or is being purged); there is nothing to cancel."),
        };

    public static async Task<IResult> PurgeAsync(string id, BatchService service, CancellationToken cancellationToken) =>
        await service.PurgeAsync(id, cancellationToken).ConfigureAwait(false) switch
        {
            ActionResult.Accepted => Results.Accepted(),
            ActionResult.NotFound => NoBatch(id),
            _ => Problems.Conflict($"Batch '{id}' has not finished; cancel it first, then purge."),
        };

    private static IResult NoBatch(string id) => Problems.NotFound($"No batch '{Query.Clip(id)}'.");

    /// <summary>Adds a Location header to a result.</summary>
    private sealed class WithLocation(IResult inner, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
