using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Workflows.Service;
using FromServicesAttribute = Microsoft.AspNetCore.Mvc.FromServicesAttribute;

namespace Orchestration.Api;

/// <summary><c>GET /api/batches/{id}/events</c>: the judged-order run stream as Server-Sent Events.</summary>
/// <remarks>A poll of the stores pushed to the client, not a broker: the stores are the only shared state of
/// both hosts. <c>run</c> events carry the row of <c>/runs</c> with <c>id:</c> = the cursor after it, so
/// <c>Last-Event-ID</c> resumes exactly after the last row a client saw; <c>progress</c> at most once a second
/// and only when it changed; <c>end</c> (the final status with its counts) once the batch has finished and every
/// row before that was sent.</remarks>
internal static class EventHandlers
{
    /// <summary>How often the stores are read while nothing is sent.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    private const int PageSize = 200;

    public static async Task<IResult> EventsAsync(string id, HttpContext context, BatchService service, [FromServices] TimeProvider time, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var cursor = request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } resumed ? resumed : request.Query["after"].ToString();
        if (!JudgedCursor.TryParse(cursor, out _))
        {
            return Problems.Parameter("Last-Event-ID", $"'{Query.Clip(cursor)}' is not a cursor of this service.");
        }

        var status = await service.GetStatusAsync(id, cancellationToken).ConfigureAwait(false);
        var first = status is null ? null : await service.GetJudgedRunsAsync(id, null, null, cursor, PageSize, cancellationToken).ConfigureAwait(false);
        if (status is null || first is null)
        {
            return Problems.NotFound($"No batch '{Query.Clip(id)}'.");
        }

        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false), leaveOpen: true);
        var columns = new RunColumns(first);
        string? lastProgress = null;
        var progressSentAt = DateTimeOffset.MinValue;
        var listing = first;
        while (true)
        {
            // Status first: rows are written before a batch finishes, so rows drained after reading a final
            // status are all of them.
            var finished = Enum.TryParse<BatchStatus>(status.Status, ignoreCase: true, out var parsed) && BatchStatusRules.IsFinished(parsed);
            while (true)
            {
                for (var i = 0; i < listing.Page.Items.Count; i++)
                {
                    cursor = listing.Page.ItemCursors[i];
                    await WriteEventAsync(writer, "run", cursor, JsonSerializer.Serialize(columns.Object(listing.Page.Items[i]), RunColumns.Row)).ConfigureAwait(false);
                }

                cursor = listing.Page.ContinuationToken ?? cursor;
                if (listing.Page.Items.Count < PageSize)
                {
                    break;
                }

                listing = await service.GetJudgedRunsAsync(id, null, null, cursor, PageSize, cancellationToken).ConfigureAwait(false) ?? listing with { Page = new RunViewPage([], cursor) };
            }

            var now = time.GetUtcNow();
            var progress = JsonSerializer.Serialize(new BatchProgressEvent(status.Status, status.Progress, status.Tasks), ApiJson.Options.Info<BatchProgressEvent>());
            if (!finished && progress != lastProgress && now - progressSentAt >= ProgressInterval)
            {
                await WriteEventAsync(writer, "progress", null, progress).ConfigureAwait(false);
                (lastProgress, progressSentAt) = (progress, now);
            }

            if (finished)
            {
                await WriteEventAsync(writer, "end", null, JsonSerializer.Serialize(new BatchEndEvent(status.Status, status.Reason, status.Progress, status.Tasks), ApiJson.Options.Info<BatchEndEvent>())).ConfigureAwait(false);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                return Results.Empty;
            }

            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
            status = await service.GetStatusAsync(id, cancellationToken).ConfigureAwait(false);
            listing = await service.GetJudgedRunsAsync(id, null, null, cursor, PageSize, cancellationToken).ConfigureAwait(false);
            if (status is null || listing is null)
            {
                // Purged while streaming: nothing more will come.
                await WriteEventAsync(writer, "end", null, "{\"status\":\"purged\"}").ConfigureAwait(false);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                return Results.Empty;
            }
        }
    }

    private static async Task WriteEventAsync(StreamWriter writer, string name, string? id, string data)
    {
        await writer.WriteAsync("event: ").ConfigureAwait(false);
        await writer.WriteAsync(name).ConfigureAwait(false);
        await writer.WriteAsync('\n').ConfigureAwait(false);
        if (id is not null)
        {
            await writer.WriteAsync("id: ").ConfigureAwait(false);
            await writer.WriteAsync(id).ConfigureAwait(false);
            await writer.WriteAsync('\n').ConfigureAwait(false);
        }

        // Compact JSON holds no raw newline, so one data line carries it.
        await writer.WriteAsync("data: ").ConfigureAwait(false);
        await writer.WriteAsync(data).ConfigureAwait(false);
        await writer.WriteAsync("\n\n").ConfigureAwait(false);
    }
}
