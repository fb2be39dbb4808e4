using System.Globalization;
using Orchestration.Domain.Aggregation;
using Orchestration.Workflows.Service;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orchestration.Server;

/// <summary>The tables <c>run FILE</c> shows: live progress per task, then the aggregate.</summary>
public static class ConsoleReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The progress table of a status document.</summary>
    /// <param name="status">The status.</param>
    /// <param name="ascii">ASCII borders (output that is not a terminal).</param>
    /// <returns>The table.</returns>
    public static Table Progress(BatchStatusDocument status, bool ascii)
    {
        ArgumentNullException.ThrowIfNull(status);
        var p = status.Progress;
        var table = NewTable(ascii, $"{status.Id}: {status.Status}, {p.Completed}/{p.Total} done, {p.Running} running, {p.Pending} pending"
            + (p.Skipped > 0 ? $", {p.Skipped} skipped (cost cap)" : string.Empty));
        table.AddColumns("task", "runs", "passed", "failed", "errored", "timed out", "cancelled", "flagged");
        foreach (var task in status.Tasks)
        {
            table.AddRow(Cells(task.Id, Num(task.Runs), Num(task.Passed), Num(task.Failed), Num(task.Errored), Num(task.TimedOut), Num(task.Cancelled), LiveFlags(task.Flagged)));
        }

        return RightAlign(table);
    }

    /// <summary>The aggregate table: counts, flags per name, pass rate with its 95% interval, p50/p95 duration and cost.</summary>
    /// <param name="batchId">The batch id (the caption).</param>
    /// <param name="status">The final status.</param>
    /// <param name="aggregate">The aggregate.</param>
    /// <param name="ascii">ASCII borders (output that is not a terminal).</param>
    /// <returns>The table.</returns>
    public static Table Aggregate(string batchId, string status, BatchAggregate aggregate, bool ascii)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        var table = NewTable(ascii, $"{batchId}: {status}");
        // The skipped column shows only for a batch its cost cap stopped, so other tables keep their columns.
        var skipped = aggregate.Total.Skipped > 0;
        table.AddColumns([.. (string[])["task", "runs", "passed", "failed", "errored", "timed out", "cancelled"], .. skipped ? (string[])["skipped"] : [],
            "flagged", "pass rate (95% CI)", "p50 s", "p95 s", "cost USD"]);
        foreach (var task in aggregate.Tasks)
        {
            table.AddRow(Row(task.Id, task, skipped));
        }

        table.AddRow(Row("TOTAL", aggregate.Total, skipped));
        return RightAlign(table);
    }

    private static IRenderable[] Row(string name, AggregateStats s, bool skipped) => Cells(
        [name, Num(s.Runs), Num(s.Passed), Num(s.Failed), Num(s.Errored), Num(s.TimedOut), Num(s.Cancelled), .. skipped ? (string[])[Num(s.Skipped)] : [], Flags(s.Flagged),
        s.PassRate is { } r ? string.Create(Invariant, $"{r.Rate * 100:0}% ({r.Lower * 100:0}-{r.Upper * 100:0}%)") : "-",
        s.Duration is { } d ? d.P50.ToString("0.00", Invariant) : "-",
        s.Duration is { } e ? e.P95.ToString("0.00", Invariant) : "-",
        s.Cost.TotalUsd.ToString("0.######", Invariant)]);

    private static Table NewTable(bool ascii, string title) => new Table
    {
        Border = ascii ? TableBorder.Ascii : TableBorder.Rounded,
        Title = new TableTitle(Markup.Escape(title)),
    };

    private static Table RightAlign(Table table)
    {
        for (var i = 1; i < table.Columns.Count; i++)
        {
            table.Columns[i].RightAligned();
        }

        table.Columns[0].NoWrap();
        table.Columns[^1].NoWrap();
        return table;
    }

    private static IRenderable[] Cells(params string[] values) => [.. values.Select(v => new Text(v))];

    private static string Num(int value) => value.ToString(Invariant);

    // While the batch runs, the status only knows whether a run had any flag (the name "*"), and says so with
    // "*=0" for every task, flags or not: no flagged run yet reads "-", as in the final table of a task without flags.
    private static string LiveFlags(IReadOnlyDictionary<string, int> flagged) =>
        Flags(flagged.Where(f => f.Value > 0 || f.Key != "*").ToDictionary());

    private static string Flags(IReadOnlyDictionary<string, int> flagged) =>
        flagged.Count == 0 ? "-" : string.Join(", ", flagged.Select(f => string.Create(Invariant, $"{f.Key}={f.Value}")));
}
