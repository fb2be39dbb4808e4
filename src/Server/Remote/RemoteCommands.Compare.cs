using System.CommandLine;
using System.Text.Json;
using Orchestration.Domain;
using Orchestration.Domain.Comparison;

namespace Orchestration.Server.Remote;

/// <summary><c>compare A B [--map a:b,...] [--mde 0.1] [--format table|json]</c>.</summary>
internal static partial class RemoteCommands
{
    private static Command Compare()
    {
        var a = new Argument<string>("A") { Description = "Batch A's id (the baseline)." };
        var b = new Argument<string>("B") { Description = "Batch B's id (compared with A: differences are B - A)." };
        var map = new Option<string?>("--map") { Description = "Pair tasks with different ids: taskA:taskB,... (the other tasks match by id)." };
        var mde = new Option<double?>("--mde") { Description = "The difference in rates to size 'runs needed' for (default 0.1)." };
        var format = new Option<string>("--format") { Description = "table or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("compare", "Compare two finished batches per task: pass and flag rates with 95% intervals, B - A (Newcombe), Fisher exact p (Holm-adjusted across tasks), a verdict and the runs per arm needed to detect --mde.")
        {
            a, b, map, mde, format,
        };
        return Wire(command, (context, result, token) =>
            CompareAsync(context, result.GetValue(a)!, result.GetValue(b)!, result.GetValue(map), result.GetValue(mde), result.GetValue(format)!, token));
    }

    private static async Task<int> CompareAsync(RemoteContext context, string a, string b, string? map, double? mde, string format, CancellationToken cancellationToken)
    {
        var json = await context.Client.CompareAsync(a, b, map, mde, cancellationToken).ConfigureAwait(false);
        if (format == "json")
        {
            await context.Out.WriteLineAsync(json).ConfigureAwait(false);
            return ExitCodes.Completed;
        }

        var comparison = JsonSerializer.Deserialize(json, ServerJson.Options.Info<BatchComparison>())!;
        var watcher = context.Watcher();
        watcher.Write(CompareReport.Table(comparison, ascii: !watcher.Interactive));
        foreach (var line in CompareReport.Notes(comparison))
        {
            await context.Out.WriteLineAsync(line).ConfigureAwait(false);
        }

        return ExitCodes.Completed;
    }
}
