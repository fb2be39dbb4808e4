using System.Globalization;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Comparison;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orchestration.Server;

/// <summary>The table <c>compare A B</c> shows: one row per matched task (and per flag under it), then all matched tasks.</summary>
public static class CompareReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The comparison table.</summary>
    /// <param name="comparison">The comparison.</param>
    /// <param name="ascii">ASCII borders (output that is not a terminal).</param>
    /// <returns>The table.</returns>
    public static Table Table(BatchComparison comparison, bool ascii)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var table = new Table
        {
            Border = ascii ? TableBorder.Ascii : TableBorder.Rounded,
            Title = new TableTitle(Markup.Escape($"B = {comparison.B} against A = {comparison.A}")),
        };
        table.AddColumns("task", "A (95% CI)", "B (95% CI)", "B - A (95% CI)", "p", "Holm p", "verdict",
            string.Create(Invariant, $"runs/arm for {comparison.DetectableDifference * 100:0.#} pts"));
        foreach (var task in comparison.Tasks)
        {
            AddScope(table, task.TaskA == task.TaskB ? task.TaskA : $"{task.TaskA} -> {task.TaskB}", task);
        }

        AddScope(table, "ALL MATCHED", comparison.Overall);
        for (var i = 1; i < table.Columns.Count; i++)
        {
            table.Columns[i].RightAligned();
        }

        table.Columns[6].LeftAligned();
        table.Columns[0].NoWrap();
        return table;
    }

    /// <summary>The lines under the table: tasks without a match, and the rule behind the verdicts.</summary>
    /// <param name="comparison">The comparison.</param>
    /// <returns>The lines.</returns>
    public static IEnumerable<string> Notes(BatchComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        if (comparison.UnmatchedA.Count > 0)
        {
            yield return $"Only in A ({comparison.A}): {string.Join(", ", comparison.UnmatchedA)}";
        }

        if (comparison.UnmatchedB.Count > 0)
        {
            yield return $"Only in B ({comparison.B}): {string.Join(", ", comparison.UnmatchedB)}";
        }

        yield return comparison.Rule;
    }

    private static void AddScope(Table table, string name, ScopeComparison scope)
    {
        table.AddRow(Row(name, scope.Pass));
        foreach (var (flag, rate) in scope.Flags)
        {
            table.AddRow(Row($"  flag {flag}", rate));
        }
    }

    private static IRenderable[] Row(string name, RateComparison rate) =>
    [
        .. new[]
        {
            name, Rate(rate.A), Rate(rate.B), Difference(rate.Difference), P(rate.PValue), P(rate.AdjustedPValue), rate.Verdict,
            rate.RunsNeeded is { } n ? n.ToString(Invariant) : "-",
        }.Select(v => new Text(v)),
    ];

    private static string Rate(RateEstimate? r) =>
        r is null ? "-" : string.Create(Invariant, $"{r.Count}/{r.Total} {r.Rate * 100:0}% ({r.Lower * 100:0}-{r.Upper * 100:0}%)");

    private static string Difference(DifferenceInterval? d) =>
        d is null ? "-" : string.Create(Invariant, $"{d.Difference * 100:+0;-0;0} pts ({d.Lower * 100:+0;-0;0} to {d.Upper * 100:+0;-0;0})");

    private static string P(double? p) => p switch
    {
        null => "-",
        < 0.0001 => "<0.0001",
        { } value => value.ToString("0.0000", Invariant),
    };
}
