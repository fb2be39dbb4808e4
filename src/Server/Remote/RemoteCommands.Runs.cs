using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Orchestration.Domain;
using Orchestration.Workflows.Service;

namespace Orchestration.Server.Remote;

/// <summary><c>runs ID</c> and <c>pull ID --to DIR</c>.</summary>
internal static partial class RemoteCommands
{
    /// <summary>How long <c>runs --follow</c> waits after a page with nothing new.</summary>
    private static readonly TimeSpan FollowPollInterval = TimeSpan.FromSeconds(1);

    private static Command Runs()
    {
        var id = BatchId();
        var format = new Option<string>("--format") { Description = "jsonl (one flat object per line) or csv (RFC 4180).", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "csv");
        var (task, outcome, pageSize) = RunFilterOptions();
        var follow = new Option<bool>("--follow") { Description = "Print runs as they are judged, in that order, until the batch has ended." };
        var command = new Command("runs", "Print every finished run's row (batch, task, runIndex, outcome, flags, exitCode, durationSeconds, costUsd, attempts, execution, reason, label.*).")
        {
            id, format, task, outcome, pageSize, follow,
        };
        return Wire(command, (context, result, token) =>
        {
            var filter = new RunFilter(result.GetValue(task), result.GetValue(outcome), result.GetValue(pageSize));
            return result.GetValue(follow)
                ? FollowAsync(context, result.GetValue(id)!, result.GetValue(format)!, filter, token)
                : RunsAsync(context, result.GetValue(id)!, result.GetValue(format)!, filter, token);
        });
    }

    private static Command Pull()
    {
        var id = BatchId();
        var to = new Option<DirectoryInfo>("--to") { Description = "Where to write: DIR/{task}/{index}/stdout.txt, stderr.txt, response.txt, transcript.jsonl, output.tar.gz, result.json.", Required = true };
        var (task, _, pageSize) = RunFilterOptions();
        var command = new Command("pull", "Download the artifacts of every finished run (its last attempt); a run keeps only the ones it left.") { id, to, task, pageSize };
        return Wire(command, (context, result, token) => PullAsync(context, result.GetValue(id)!, result.GetValue(to)!,
            new RunFilter(result.GetValue(task), PageSize: result.GetValue(pageSize)), token));
    }

    private static (Option<string?> Task, Option<string?> Outcome, Option<int?> PageSize) RunFilterOptions()
    {
        var task = new Option<string?>("--task") { Description = "Only this task." };
        var outcome = new Option<string?>("--outcome") { Description = "Only this outcome." };
        outcome.AcceptOnlyFromAmong("passed", "failed", "errored", "timedOut", "cancelled");
        var pageSize = new Option<int?>("--page-size") { Description = "Rows per request (the server's default when omitted)." };
        return (task, outcome, pageSize);
    }

    private static async Task<int> RunsAsync(RemoteContext context, string id, string format, RunFilter filter, CancellationToken cancellationToken)
    {
        if (format == "csv")
        {
            // The server streams every page itself, with the column set (label names) fixed by the batch.
            using var response = await context.Client.OpenRunsCsvAsync(id, filter, cancellationToken).ConfigureAwait(false);
            await context.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using var stdout = Console.OpenStandardOutput();
            await body.CopyToAsync(stdout, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Completed;
        }

        await foreach (var row in RowsAsync(context.Client, id, filter, cancellationToken).ConfigureAwait(false))
        {
            await context.Out.WriteLineAsync(row.GetRawText()).ConfigureAwait(false);
        }

        return ExitCodes.Completed;
    }

    /// <summary><c>runs ID --follow</c>: pages through the judged order with its cursor, printing rows as they come,
    /// and stops once the batch had ended before a page that brought nothing new.</summary>
    private static async Task<int> FollowAsync(RemoteContext context, string id, string format, RunFilter filter, CancellationToken cancellationToken)
    {
        var cursor = "";
        var header = true;
        while (true)
        {
            // Status before the page: every row is written before a batch ends, so a page read after an
            // ended status holds the last rows.
            var status = await context.Client.GetStatusAsync(id, cancellationToken).ConfigureAwait(false);
            if (status is null)
            {
                return await NoBatchAsync(context, id).ConfigureAwait(false);
            }

            var (body, next) = await context.Client.GetJudgedRunsAsync(id, filter, format, cursor, cancellationToken).ConfigureAwait(false);
            if (format == "csv" && !header)
            {
                // Each page repeats the header line (no field of it spans lines): print it once.
                var end = body.IndexOf("\r\n", StringComparison.Ordinal);
                body = end < 0 ? "" : body[(end + 2)..];
            }

            header = false;
            await context.Out.WriteAsync(body).ConfigureAwait(false);
            await context.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            var nothingNew = next == cursor;
            cursor = next;
            if (nothingNew && Enum.TryParse<BatchStatus>(status.Status, ignoreCase: true, out var parsed) && BatchStatusRules.IsFinished(parsed))
            {
                return ExitCodes.Completed;
            }

            if (nothingNew)
            {
                await Task.Delay(FollowPollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> PullAsync(RemoteContext context, string id, DirectoryInfo to, RunFilter filter, CancellationToken cancellationToken)
    {
        var (runs, files) = (0, 0);
        await foreach (var row in RowsAsync(context.Client, id, filter, cancellationToken).ConfigureAwait(false))
        {
            var task = row.GetProperty("task").GetString();
            var index = row.GetProperty("runIndex").GetInt32();

            // The task id becomes a folder name: only ids of the documented pattern, whatever a server sends.
            if (task is null || !BatchIds.IsValid(task) || task is "." or ".." || index < 0)
            {
                await context.Err.WriteLineAsync($"Skipped a run with task '{task}' and index {index}: not a valid task id and index.").ConfigureAwait(false);
                continue;
            }

            runs++;
            var folder = Path.Combine(to.FullName, task, index.ToString(CultureInfo.InvariantCulture));
            foreach (var (name, (file, _)) in BatchService.Artifacts)
            {
                using var response = await context.Client.OpenArtifactAsync(id, task, index, name, cancellationToken).ConfigureAwait(false);
                if (response is null)
                {
                    continue;
                }

                Directory.CreateDirectory(folder);
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using var target = File.Create(Path.Combine(folder, file));
                await body.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
                files++;
            }
        }

        await context.Out.WriteLineAsync($"Pulled {files} files of {runs} runs into {to.FullName}.").ConfigureAwait(false);
        return ExitCodes.Completed;
    }

    /// <summary>Every matching run row, following continuation tokens to the last page.</summary>
    private static async IAsyncEnumerable<JsonElement> RowsAsync(OrchestrationClient client, string id, RunFilter filter,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await client.GetRunsPageAsync(id, filter, token, cancellationToken).ConfigureAwait(false);
            foreach (var row in page.Items)
            {
                yield return row;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }
}
