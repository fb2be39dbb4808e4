using System.CommandLine;
using System.Text;
using System.Text.Json;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;

namespace Orchestration.Server.Remote;

/// <summary><c>status ID [--watch]</c> and <c>results ID</c>.</summary>
internal static partial class RemoteCommands
{
    private static Command Status()
    {
        var id = BatchId();
        var watch = new Option<bool>("--watch") { Description = "Follow progress until the batch ends, then print the aggregate table (exit 1 if it did not complete)." };
        var json = new Option<bool>("--json") { Description = "Print the status document (with --watch: the aggregate) as JSON." };
        var command = new Command("status", "Show a batch's progress per task, once or live.") { id, watch, json };
        return Wire(command, (context, result, token) => result.GetValue(watch)
            ? WatchAsync(context, result.GetValue(id)!, result.GetValue(json), token)
            : StatusOnceAsync(context, result.GetValue(id)!, result.GetValue(json), token));
    }

    private static Command Results()
    {
        var id = BatchId();
        var format = new Option<string>("--format") { Description = "table, json or csv.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");
        var version = new Option<int?>("--version") { Description = "A results version: 1 is the aggregate the batch ended with, each rejudge or rerun adds one (default: the latest)." };
        var command = new Command("results", "Print a finished batch's aggregate: counts, flags, pass rate with its 95% interval, durations, cost.") { id, format, version };
        return Wire(command, (context, result, token) => result.GetValue(version) is { } v
            ? VersionAsync(context, result.GetValue(id)!, v, result.GetValue(format)!, wait: false, token)
            : ResultsAsync(context, result.GetValue(id)!, result.GetValue(format)!, token));
    }

    private static async Task<int> StatusOnceAsync(RemoteContext context, string id, bool json, CancellationToken cancellationToken)
    {
        if (json)
        {
            var text = await context.Client.GetStatusJsonAsync(id, cancellationToken).ConfigureAwait(false);
            if (text is null)
            {
                return await NoBatchAsync(context, id).ConfigureAwait(false);
            }

            await context.Out.WriteLineAsync(text).ConfigureAwait(false);
            return ExitCodes.Completed;
        }

        var status = await context.Client.GetStatusAsync(id, cancellationToken).ConfigureAwait(false);
        if (status is null)
        {
            return await NoBatchAsync(context, id).ConfigureAwait(false);
        }

        var watcher = context.Watcher();
        watcher.Write(ConsoleReport.Progress(status, ascii: !watcher.Interactive));
        return ExitCodes.Completed;
    }

    private static async Task<int> WatchAsync(RemoteContext context, string id, bool json, CancellationToken cancellationToken)
    {
        if (await context.Client.GetStatusAsync(id, cancellationToken).ConfigureAwait(false) is null)
        {
            return await NoBatchAsync(context, id).ConfigureAwait(false);
        }

        var watcher = context.Watcher(json);
        try
        {
            // Ctrl-C ends the watch only; the batch runs on the server either way.
            var status = await watcher.FollowAsync(id, Task.Delay(Timeout.Infinite, cancellationToken), cancellationToken).ConfigureAwait(false);
            return await watcher.ReportAsync(status, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            await context.Err.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return ExitCodes.NotFound;
        }
    }

    private static async Task<int> ResultsAsync(RemoteContext context, string id, string format, CancellationToken cancellationToken)
    {
        if (format == "csv")
        {
            var csv = await context.Client.GetResultsCsvAsync(id, cancellationToken).ConfigureAwait(false);
            if (csv is null)
            {
                return await NoResultsAsync(context, id).ConfigureAwait(false);
            }

            await context.Out.WriteAsync(csv).ConfigureAwait(false);
            return ExitCodes.Completed;
        }

        if (await context.Client.GetResultsAsync(id, cancellationToken).ConfigureAwait(false) is not { } aggregate)
        {
            return await NoResultsAsync(context, id).ConfigureAwait(false);
        }

        if (format == "json")
        {
            await context.Out.WriteLineAsync(Encoding.UTF8.GetString(aggregate.Span)).ConfigureAwait(false);
            return ExitCodes.Completed;
        }

        // The table's title names the final status; a batch purged between the two calls still shows its results.
        var status = (await context.Client.GetStatusAsync(id, cancellationToken).ConfigureAwait(false))?.Status ?? "finished";
        var watcher = context.Watcher();
        watcher.Write(ConsoleReport.Aggregate(id, status, JsonSerializer.Deserialize(aggregate.Span, ServerJson.Options.Info<BatchAggregate>())!, ascii: !watcher.Interactive));
        return ExitCodes.Completed;
    }

    /// <summary>One results version as JSON or a table; with <paramref name="wait"/>, waits (at the server's
    /// Retry-After) while its rejudge or rerun is still under way.</summary>
    private static async Task<int> VersionAsync(RemoteContext context, string id, int version, string format, bool wait, CancellationToken cancellationToken)
    {
        if (format == "csv")
        {
            await context.Err.WriteLineAsync("A results version prints as table or json.").ConfigureAwait(false);
            return ExitCodes.Refused;
        }

        while (true)
        {
            var (aggregate, pending) = await context.Client.GetResultsVersionAsync(id, version, cancellationToken).ConfigureAwait(false);
            if (pending is { } retryAfter)
            {
                if (!wait)
                {
                    await context.Err.WriteLineAsync($"Batch '{id}' results version {version} is still being made (a rejudge judging or a rerun running); ask again shortly.").ConfigureAwait(false);
                    return ExitCodes.NotCompleted;
                }

                await Task.Delay(retryAfter, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (aggregate is not { } bytes)
            {
                await context.Err.WriteLineAsync($"Batch '{id}' has no results version {version} on {context.Client.BaseUrl}.").ConfigureAwait(false);
                return ExitCodes.NotFound;
            }

            if (format == "json")
            {
                await context.Out.WriteLineAsync(Encoding.UTF8.GetString(bytes.Span)).ConfigureAwait(false);
                return ExitCodes.Completed;
            }

            var document = JsonSerializer.Deserialize(bytes.Span, ServerJson.Options.Info<BatchAggregate>())!;
            var watcher = context.Watcher();
            watcher.Write(ConsoleReport.Aggregate(id, $"results version {version}", document, ascii: !watcher.Interactive));
            if (document.Rerun is { } rerun)
            {
                await context.Out.WriteLineAsync($"Rerun of {rerun.Runs} {string.Join("/", rerun.Outcomes)} run(s), asked at {rerun.RequestedAt:u}.").ConfigureAwait(false);
            }

            if (document.Rejudge is { } rejudge)
            {
                await context.Out.WriteLineAsync($"Rejudged {rejudge.Rejudged} run(s), {rejudge.Changed} changed; {rejudge.Kept} kept (no result to judge); {rejudge.NotRejudgeable.Count} not rejudgeable.").ConfigureAwait(false);
                foreach (var run in rejudge.NotRejudgeable.Take(20))
                {
                    await context.Out.WriteLineAsync($"  {run.Task} #{run.RunIndex}: {run.Reason}").ConfigureAwait(false);
                }

                if (rejudge.NotRejudgeable.Count > 20)
                {
                    await context.Out.WriteLineAsync($"  ... and {rejudge.NotRejudgeable.Count - 20} more (--format json lists every one).").ConfigureAwait(false);
                }
            }

            return ExitCodes.Completed;
        }
    }

    private static async Task<int> NoBatchAsync(RemoteContext context, string id)
    {
        await context.Err.WriteLineAsync($"No batch '{id}' on {context.Client.BaseUrl}.").ConfigureAwait(false);
        return ExitCodes.NotFound;
    }

    private static async Task<int> NoResultsAsync(RemoteContext context, string id)
    {
        await context.Err.WriteLineAsync($"Batch '{id}' has no results on {context.Client.BaseUrl} yet (unknown, or not finished).").ConfigureAwait(false);
        return ExitCodes.NotFound;
    }
}
