using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Validation;
using Orchestration.Workflows.Service;
using FromServicesAttribute = Microsoft.AspNetCore.Mvc.FromServicesAttribute;

namespace Orchestration.Api;

/// <summary>Submit, list, status, results, cancel and purge: parse, call the batch service, map to HTTP.</summary>
internal static class BatchHandlers
{
    /// <summary>How often a long poll (<c>?wait=</c>) reads the status store.</summary>
    private static readonly TimeSpan WaitPollInterval = TimeSpan.FromSeconds(1);

    public static async Task<IResult> SubmitAsync(HttpRequest request, BatchService service, IOptions<ApiOptions> options, [FromServices] IOptions<BatchServiceOptions> batchOptions,
        [FromServices] TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(Logs.Category);
        if (!DryRunHandler.TryRead(request, out var dryRun, out var parameterProblem))
        {
            return parameterProblem;
        }

        var (body, problem) = await Body.ReadAsync(request, options.Value.MaxBodyBytes, options.Value, logger, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var key = request.Headers["Idempotency-Key"].ToString();
        if (dryRun)
        {
            return await DryRunHandler.PlanAsync(request, body, key.Length > 0 ? key : null, logger, cancellationToken).ConfigureAwait(false);
        }

        var result = await service.SubmitAsync(body, key.Length > 0 ? key : null, cancellationToken).ConfigureAwait(false);
        switch (result.Kind)
        {
            case SubmitKind.Invalid:
                return Invalid(result.Problems, logger);
            case SubmitKind.Conflict:
                Logs.SubmissionConflict(logger, result.BatchId!);
                return Problems.Conflict(result.Reason ?? "A different batch has this id.");
            default:
                // Accepted either way (a Durable-style client then polls Location); a repeat says that the batch
                // already existed and where it stands, and carries Retry-After only while it still runs.
                var id = result.BatchId!;
                var current = result.Created ? null : await service.GetStatusAsync(id, cancellationToken).ConfigureAwait(false);
                var status = current?.Status ?? BatchStatusRules.Name(BatchStatus.Pending);
                var links = Links.For(request, id);
                var node = JsonSerializer.SerializeToNode(links, ApiJson.Options.Info<Links>())!.AsObject();
                node["created"] = result.Created;
                node["status"] = status;
                return StatusAnswer.Of(node, status, current?.CreatedAt ?? time.GetUtcNow(), links, batchOptions.Value.Workflow.Polling, time,
                    StatusCodes.Status202Accepted);
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

        var page = await service.ListViewsAsync(statuses, top, Query.Token(request), cancellationToken).ConfigureAwait(false);
        var items = page.Items.Select(b => new BatchListItem(b.Id, WireNames.Of(b.Status), b.CreatedAt, b.UpdatedAt, b.TotalRuns, b.Labels, b.Reason, Links.For(request, b.Id)));
        return Results.Json(new BatchList(items, page.ContinuationToken), ApiJson.Rows.Info<BatchList>());
    }

    public static async Task<IResult> StatusAsync(string id, HttpRequest request, BatchService service, IOptions<ApiOptions> options,
        [FromServices] IOptions<BatchServiceOptions> batchOptions, [FromServices] TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Query.TryWait(request, options.Value, out var wait, out var problem))
        {
            return problem;
        }

        var status = await service.GetStatusAsync(id, cancellationToken).ConfigureAwait(false);
        if (status is not null && wait > TimeSpan.Zero && !StatusAnswer.HasEnded(status.Status))
        {
            status = await WaitForChangeAsync(service, status, wait, time, cancellationToken).ConfigureAwait(false);
        }

        if (status is null)
        {
            return NoBatch(id);
        }

        var links = Links.For(request, id);
        var node = JsonSerializer.SerializeToNode(status, ApiJson.Options.Info<BatchStatusDocument>())!.AsObject();
        node["links"] = JsonSerializer.SerializeToNode(links, ApiJson.Options.Info<Links>());
        return StatusAnswer.Of(node, status.Status, status.CreatedAt, links, batchOptions.Value.Workflow.Polling, time);
    }

    public static async Task<IResult> ResultsAsync(string id, HttpRequest request, BatchService service, CancellationToken cancellationToken)
    {
        var format = request.Query["format"].ToString();
        if (format is not ("" or "json" or "csv"))
        {
            return Problems.Parameter("format", "Use json or csv.");
        }

        ReadOnlyMemory<byte>? json;
        if (request.Query["version"].ToString() is { Length: > 0 } versionText)
        {
            if (!int.TryParse(versionText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) || version < 1)
            {
                return Problems.Parameter("version", "Give a whole number from 1 (1 is the aggregate the batch ended with; each rejudge adds one).");
            }

            (json, var pending) = await service.GetResultsVersionAsync(id, version, cancellationToken).ConfigureAwait(false);
            if (pending)
            {
                // Its rejudge is still judging: ask again (the asynchronous request-reply of the status URL).
                request.HttpContext.Response.Headers.RetryAfter = "1";
                return Results.Json(new ResultsPending(id, version, "rejudging"), ApiJson.Options.Info<ResultsPending>(), statusCode: StatusCodes.Status202Accepted);
            }

            if (json is null)
            {
                return Problems.NotFound($"Batch '{Query.Clip(id)}' has no results version {version}.");
            }
        }
        else
        {
            json = await service.GetResultsAsync(id, cancellationToken).ConfigureAwait(false);
            if (json is null)
            {
                return Problems.NotFound($"Batch '{Query.Clip(id)}' has no results yet (unknown, or not finished).");
            }
        }

        if (format != "csv")
        {
            // Stored with the product's options; answered with the API's (plain + and ' like every answer).
            return Results.Text(JsonNode.Parse(json.Value.Span)!.ToJsonString(ApiJson.Options), "application/json", Encoding.UTF8);
        }

        // The encoder aside (which reading ignores), the API's options are the product's.
        var aggregate = JsonSerializer.Deserialize(json.Value.Span, ApiJson.Options.Info<BatchAggregate>())!;
        return Results.Text(ResultsCsvWriter.Write(aggregate), "text/csv; charset=utf-8", Encoding.UTF8);
    }

    public static async Task<IResult> RejudgeAsync(string id, HttpRequest request, BatchService service, IOptions<ApiOptions> options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(Logs.Category);
        var (body, problem) = await Body.ReadAsync(request, options.Value.MaxBodyBytes, options.Value, logger, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var result = await service.RejudgeAsync(id, body, cancellationToken).ConfigureAwait(false);
        return VersionAnswer(id, request, result, "rules", "rejudged", new RejudgeAccepted(id, result.Version, VersionUri(request, id, result.Version), "rejudging"));
    }

    public static async Task<IResult> RerunAsync(string id, HttpRequest request, BatchService service, IOptions<ApiOptions> options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(Logs.Category);
        var (body, problem) = await Body.ReadAsync(request, options.Value.MaxBodyBytes, options.Value, logger, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var key = request.Headers["Idempotency-Key"].ToString();
        var result = await service.RerunAsync(id, body, key.Length > 0 ? key : null, cancellationToken).ConfigureAwait(false);
        var links = Links.For(request, id);
        return VersionAnswer(id, request, result, "request", "rerun",
            new RerunAccepted(id, result.Version, result.Runs, VersionUri(request, id, result.Version), links.StatusUri, "running"));
    }

    // A rejudge or rerun request's answer: 202 with where its results version will be, or a problem.
    private static IResult VersionAnswer<TAccepted>(string id, HttpRequest request, VersionRequestResult result, string what, string done, TAccepted accepted)
    {
        switch (result.Kind)
        {
            case VersionRequestKind.NotFound:
                return NoBatch(id);
            case VersionRequestKind.Invalid:
                return Problems.Validation($"The {what} has {result.Problems.Count} problem(s); nothing was {done}.",
                    result.Problems.Select(p => new ApiProblemError(p.Path, p.Message)));
            case VersionRequestKind.Conflict:
                return Problems.Conflict(result.Reason!);
            default:
                request.HttpContext.Response.Headers.Location = VersionUri(request, id, result.Version);
                request.HttpContext.Response.Headers.RetryAfter = "1";
                return Results.Json(accepted, ApiJson.Options.Info<TAccepted>(), statusCode: StatusCodes.Status202Accepted);
        }
    }

    private static string VersionUri(HttpRequest request, string id, int version) =>
        $"{Links.For(request, id).ResultsUri}?version={version.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public static async Task<IResult> CancelAsync(string id, HttpRequest request, BatchService service, CancellationToken cancellationToken) =>
        await service.CancelAsync(id, cancellationToken).ConfigureAwait(false) switch
        {
            BatchActionResult.Accepted => Results.Json(Links.For(request, id), ApiJson.Options.Info<Links>(), statusCode: StatusCodes.Status202Accepted),
            BatchActionResult.NotFound => NoBatch(id),
            _ => Problems.Conflict($"Batch '{id}' has finished (or is being purged); there is nothing to cancel."),
        };

    public static async Task<IResult> PurgeAsync(string id, BatchService service, CancellationToken cancellationToken) =>
        await service.PurgeAsync(id, cancellationToken).ConfigureAwait(false) switch
        {
            BatchActionResult.Accepted => Results.Accepted(),
            BatchActionResult.NotFound => NoBatch(id),
            _ => Problems.Conflict($"Batch '{id}' has not finished; cancel it first, then purge."),
        };

    /// <summary>The 400 of an invalid document, the same from a submit and a dry run.</summary>
    /// <param name="problems">Every problem.</param>
    /// <param name="logger">Logs the count.</param>
    /// <returns>The problem answer.</returns>
    internal static IResult Invalid(IReadOnlyList<ValidationProblem> problems, ILogger logger)
    {
        Logs.SubmissionInvalid(logger, problems.Count);
        return Problems.Validation($"The batch has {problems.Count} problem(s); nothing was started.",
            problems.Select(p => new ApiProblemError(p.Path, p.Message)));
    }

    private static IResult NoBatch(string id) => Problems.NotFound($"No batch '{Query.Clip(id)}'.");

    /// <summary>Polls the status store until the document changes (status, progress, counts or reason) or
    /// <paramref name="wait"/> has passed; null when the batch disappeared (purged).</summary>
    private static async Task<BatchStatusDocument?> WaitForChangeAsync(BatchService service, BatchStatusDocument status, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + wait;
        var seen = Fingerprint(status);
        while (time.GetUtcNow() < deadline)
        {
            var left = deadline - time.GetUtcNow();
            await Task.Delay(left < WaitPollInterval ? left : WaitPollInterval, time, cancellationToken).ConfigureAwait(false);
            var next = await service.GetStatusAsync(status.Id, cancellationToken).ConfigureAwait(false);
            if (next is null || Fingerprint(next) != seen)
            {
                return next;
            }

            status = next;
        }

        return status;
    }

    // lastUpdatedAt is left out: the engine touches it without a change a client could see.
    private static string Fingerprint(BatchStatusDocument status) =>
        JsonSerializer.Serialize(new BatchEndEvent(status.Status, status.Reason, status.Progress, status.Tasks), ApiJson.Options.Info<BatchEndEvent>());
}
