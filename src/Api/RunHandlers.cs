using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Judging;
using Orchestration.Workflows.Service;

namespace Orchestration.Api;

/// <summary>Run rows (json, jsonl, csv) and artifacts.</summary>
internal static class RunHandlers
{
    public static async Task<IResult> RunsAsync(string id, HttpContext context, BatchService service, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var format = request.Query["format"].ToString();
        if (format is not ("" or "json" or "jsonl" or "csv"))
        {
            return Problems.Parameter("format", "Use json, jsonl or csv.");
        }

        RunOutcome? outcome = null;
        if (request.Query["outcome"].ToString() is { Length: > 0 } outcomeText)
        {
            if (!Query.TryEnum<RunOutcome>(outcomeText, out var parsed))
            {
                return Problems.Parameter("outcome", $"'{Query.Clip(outcomeText)}' is not one of {Query.Names<RunOutcome>()}.");
            }

            outcome = parsed;
        }

        if (!Query.TryTop(request, options.Value, out var top, out var problem))
        {
            return problem;
        }

        var task = request.Query["task"].ToString() is { Length: > 0 } t ? t : null;
        var flag = request.Query["flag"].ToString() is { Length: > 0 } f ? f : null;
        if (request.Query.ContainsKey("after"))
        {
            return await JudgedAsync(id, context, service, options.Value, format, task, outcome, flag, cancellationToken).ConfigureAwait(false);
        }

        var token = Query.Token(request);
        var listing = await service.GetRunsAsync(id, task, outcome, flag, top, token, cancellationToken).ConfigureAwait(false);
        if (listing is null)
        {
            return Problems.NotFound(task is null ? $"No batch '{Query.Clip(id)}'." : $"No batch '{Query.Clip(id)}' with task '{Query.Clip(task)}'.");
        }

        var columns = new RunColumns(listing);
        if (format is "" or "json")
        {
            return Results.Json(new RunsPage(listing.Page.Items.Select(columns.Object), listing.Page.ContinuationToken), RunColumns.Json.Info<RunsPage>());
        }

        // jsonl and csv stream every matching row from the token on, page by page, for pandas and shell pipes.
        var response = context.Response;
        response.ContentType = format == "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false), leaveOpen: true);
        var csv = new RunsCsvWriter(writer, columns);
        var jsonl = new RunsJsonlWriter(writer, columns);
        if (format == "csv")
        {
            await csv.WriteHeaderAsync(cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            await (format == "csv" ? csv.WriteAsync(listing.Page.Items, cancellationToken) : jsonl.WriteAsync(listing.Page.Items, cancellationToken)).ConfigureAwait(false);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (listing.Page.ContinuationToken is null)
            {
                break;
            }

            listing = await service.GetRunsAsync(id, task, outcome, flag, top, listing.Page.ContinuationToken, cancellationToken).ConfigureAwait(false);
            if (listing is null)
            {
                break;
            }
        }

        return Results.Empty;
    }

    /// <summary>The judged-order mode of <c>/runs</c> (<c>after</c> given): one page of runs judged after the
    /// cursor, in the order they were judged, and the cursor to pass next (in the body as <c>next</c> for json,
    /// in the <c>Next-Cursor</c> header for every format).</summary>
    private static async Task<IResult> JudgedAsync(string id, HttpContext context, BatchService service, ApiOptions options, string format,
        string? task, RunOutcome? outcome, string? flag, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (flag is not null)
        {
            return Problems.Parameter("flag", "The flag filter is not available in judged order (with after); filter by task or outcome.");
        }

        var after = request.Query["after"].ToString();
        if (!JudgedCursor.TryParse(after, out _))
        {
            return Problems.Parameter("after", $"'{Query.Clip(after)}' is not a cursor of this service; pass an empty after to start, then the next cursor of each page.");
        }

        if (!Query.TryPageSize(request, "limit", options, out var limit, out var problem))
        {
            return problem;
        }

        var listing = await service.GetJudgedRunsAsync(id, task, outcome, after, limit, cancellationToken).ConfigureAwait(false);
        if (listing is null)
        {
            return Problems.NotFound(task is null ? $"No batch '{Query.Clip(id)}'." : $"No batch '{Query.Clip(id)}' with task '{Query.Clip(task)}'.");
        }

        var next = listing.Page.ContinuationToken!;
        var columns = new RunColumns(listing);
        context.Response.Headers["Next-Cursor"] = next;
        if (format is "" or "json")
        {
            return Results.Json(new JudgedRunsPage(listing.Page.Items.Select(columns.Object), next), RunColumns.Json.Info<JudgedRunsPage>());
        }

        var response = context.Response;
        response.ContentType = format == "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false), leaveOpen: true);
        if (format == "csv")
        {
            var csv = new RunsCsvWriter(writer, columns);
            await csv.WriteHeaderAsync(cancellationToken).ConfigureAwait(false);
            await csv.WriteAsync(listing.Page.Items, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await new RunsJsonlWriter(writer, columns).WriteAsync(listing.Page.Items, cancellationToken).ConfigureAwait(false);
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return Results.Empty;
    }

    public static async Task<IResult> ArtifactAsync(string id, string task, int index, string name, HttpContext context, BatchService service, CancellationToken cancellationToken)
    {
        int? attempt = null;
        if (context.Request.Query["attempt"].ToString() is { Length: > 0 } attemptText)
        {
            if (!int.TryParse(attemptText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var k) || k < 1)
            {
                return Problems.Parameter("attempt", "Give a whole number from 1.");
            }

            attempt = k;
        }

        if (!BatchService.Artifacts.ContainsKey(name))
        {
            return Problems.NotFound($"No artifact '{Query.Clip(name)}'; use one of {string.Join(", ", BatchService.Artifacts.Keys)}.");
        }

        var artifact = await service.GetArtifactAsync(id, task, index, name, attempt, cancellationToken).ConfigureAwait(false);
        if (artifact is not { } found)
        {
            return Problems.NotFound($"Run {index} of task '{Query.Clip(task)}' in batch '{Query.Clip(id)}' has no {name}.");
        }

        context.Response.RegisterForDisposeAsync(found.Content);
        return Results.Stream(found.Content.Stream, found.ContentType);
    }
}
