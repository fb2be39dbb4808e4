using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Orchestration.Domain;
using Spectre.Console;

namespace Orchestration.Server.Remote;

/// <summary><c>cancel ID</c>, <c>purge ID</c> and <c>list</c>.</summary>
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
