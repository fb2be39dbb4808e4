using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Orchestration.Domain;
using Spectre.Console;

namespace Orchestration.Server.Remote;

/// <summary><c>cancel ID</c>, <c>rejudge ID</c>, <c>rerun ID</c>, <c>purge ID</c> and <c>list</c>.</summary>
internal static partial class RemoteCommands
{
    private static Command Cancel()
    {
        var id = BatchId();
        var command = new Command("cancel", "Cancel a running batch: no new runs start, running executions are stopped, unfinished runs count as cancelled.") { id };
        return Wire(command, async (context, result, token) =>
        {
            var batch = result.GetValue(id)!;
            await context.Client.CancelAsync(batch, token).ConfigureAwait(false);
            await context.Out.WriteLineAsync($"Batch {batch}: cancel requested; running executions are being stopped.").ConfigureAwait(false);
            return ExitCodes.Completed;
        });
    }

    private static Command Rejudge()
    {
        var id = BatchId();
        var file = new Option<FileInfo>("--file") { Description = "The new rules: {\"tasks\": [{\"id\": \"TASK\", \"pass\": {...}, \"flags\": {...}}]} (pass, flag, flags as in the batch document).", Required = true };
        var wait = new Option<bool>("--wait") { Description = "Wait for the new results version and print it." };
        var format = new Option<string>("--format") { Description = "With --wait: table or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("rejudge", "Judge a finished batch's runs again with new pass/flag rules, from their stored results (nothing runs again), as a new results version.") { id, file, wait, format };
        return Wire(command, async (context, result, token) =>
        {
            var batch = result.GetValue(id)!;
            var path = result.GetValue(file)!;
            if (!path.Exists)
            {
                await context.Err.WriteLineAsync($"orchestration rejudge: {path.FullName} does not exist.").ConfigureAwait(false);
                return ExitCodes.Refused;
            }

            var version = await context.Client.RejudgeAsync(batch, await File.ReadAllBytesAsync(path.FullName, token).ConfigureAwait(false), token).ConfigureAwait(false);
            await context.Err.WriteLineAsync($"Batch {batch}: rejudging as results version {version} (orchestration results {batch} --version {version}).").ConfigureAwait(false);
            return result.GetValue(wait)
                ? await VersionAsync(context, batch, version, result.GetValue(format)!, wait: true, token).ConfigureAwait(false)
                : ExitCodes.Completed;
        });
    }

    private static Command Rerun()
    {
        var id = BatchId();
        var outcomes = new Option<string?>("--outcome") { Description = "Which runs to run again, by outcome (comma-separated: errored, timedOut, cancelled, skipped; default errored,timedOut)." };
        var wait = new Option<bool>("--wait") { Description = "Wait for the rerun to end and print the new results version." };
        var format = new Option<string>("--format") { Description = "With --wait: table or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("rerun", "Run again, as part of the same batch, the runs of a finished batch that ended errored or timed out (same inputs and specs; attempt numbers go on); the batch runs again and ends with a new results version.") { id, outcomes, wait, format };
        return Wire(command, async (context, result, token) =>
        {
            var batch = result.GetValue(id)!;
            var named = result.GetValue(outcomes)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var (version, runs) = await context.Client.RerunAsync(batch, named, Guid.NewGuid().ToString("N"), token).ConfigureAwait(false);
            await context.Err.WriteLineAsync($"Batch {batch}: rerunning {runs} run(s) as results version {version} (orchestration status {batch} --watch; orchestration results {batch} --version {version}).").ConfigureAwait(false);
            return result.GetValue(wait)
                ? await VersionAsync(context, batch, version, result.GetValue(format)!, wait: true, token).ConfigureAwait(false)
                : ExitCodes.Completed;
        });
    }

    private static Command Purge()
    {
        var id = BatchId();
        var command = new Command("purge", "Delete a finished batch: its history, results and objects (in the background on the server).") { id };
        return Wire(command, async (context, result, token) =>
        {
            var batch = result.GetValue(id)!;
            await context.Client.PurgeAsync(batch, token).ConfigureAwait(false);
            await context.Out.WriteLineAsync($"Batch {batch}: purge started; the id answers 'not found' once it is done.").ConfigureAwait(false);
            return ExitCodes.Completed;
        });
    }

    private static Command List()
    {
        var names = string.Join(", ", Enum.GetValues<BatchStatus>().Select(BatchStatusRules.Name));
        var status = new Option<string?>("--status") { Description = $"Only batches in these statuses (comma-separated: {names})." };
        var command = new Command("list", "List the server's batches (every page), with their status and run counts.") { status };
        return Wire(command, (context, result, token) => ListAsync(context, result.GetValue(status), token));
    }

    private static async Task<int> ListAsync(RemoteContext context, string? statuses, CancellationToken cancellationToken)
    {
        var table = new Table { Border = TableBorder.Ascii };
        table.AddColumns("id", "status", "runs", "created", "updated", "reason");
        string? token = null;
        do
        {
            var page = await context.Client.ListAsync(statuses, token, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                table.AddRow(
                    Markup.Escape(Text(item, "id")), Markup.Escape(Text(item, "status")), Markup.Escape(Text(item, "totalRuns")),
                    Markup.Escape(Time(item, "createdAt")), Markup.Escape(Time(item, "lastUpdatedAt")), Markup.Escape(Text(item, "reason")));
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        var watcher = context.Watcher();
        if (watcher.Interactive)
        {
            table.Border = TableBorder.Rounded;
        }

        watcher.Write(table);
        return ExitCodes.Completed;
    }

    private static string Text(JsonElement item, string name) => item.TryGetProperty(name, out var value) ? value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => value.GetRawText(),
    } : "";

    private static string Time(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.TryGetDateTimeOffset(out var time)
            ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : "";
}
