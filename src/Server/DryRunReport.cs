using System.Globalization;
using Orchestration.Activities.Steps;
using Orchestration.Domain.Planning;
using Orchestration.Workflows.Service;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orchestration.Server;

/// <summary>The tables <c>submit --dry-run</c> and <c>run --dry-run</c> print: tasks with their cost bounds, jobs,
/// input sets, and what a real submit would do.</summary>
public static class DryRunReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The plan as a few tables and lines.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="ascii">ASCII borders (output that is not a terminal).</param>
    /// <param name="localBundles">SHA-256 -> compressed size of the bundles the command built from path inputs and would
    /// upload itself (shown as "would upload" rather than missing, with their size).</param>
    /// <returns>What to write.</returns>
    public static IRenderable Render(DryRunPlan plan, bool ascii, IReadOnlyDictionary<string, long>? localBundles = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        localBundles ??= new Dictionary<string, long>(StringComparer.Ordinal);
        var c = plan.Chunks;
        var lines = new List<IRenderable>
        {
            new Text(plan.Note + "\n"),
            new Text(string.Create(Invariant, $"Batch {plan.BatchId ?? "(id generated at submit)"}: a submit would {plan.SubmitWould}.\n")),
            new Text(string.Create(Invariant,
                $"{plan.Runs} runs in {c.Count} chunk(s) of up to {c.Size}; {c.AtOnce} at once, {c.WindowPerChunk} runs in flight each (maxParallelRuns {plan.MaxParallelRuns}).\n")),
            Tasks(plan, ascii),
            Jobs(plan, ascii),
        };
        if (plan.InputSets.Count > 0)
        {
            lines.Add(Inputs(plan, ascii, localBundles));
        }

        lines.Add(new Text(string.Create(Invariant, $"Estimated cost: at most {Usd(plan.Cost.UpperUsd)} USD{(plan.Cost.Bounded ? "" : " plus Claude tasks without maxBudgetUsd (no bound)")}; likely: {(plan.Cost.LikelyUsd is { } likely ? Usd(likely) + " USD" : "unknown")}.\n")));
        lines.Add(new Text(plan.CostNote + "\n"));
        if (plan.Budget is { } budget)
        {
            lines.Add(new Text(string.Create(Invariant,
                $"Cost cap: {Usd(budget.MaxCostUsd)} USD; the upper bound is {(budget.UpperExceedsCap ? "over" : "within")} it; {budget.RunsWithinCap} of {plan.Runs} runs fit in it at one attempt's upper bound each.\n")));
        }

        foreach (var warning in plan.Warnings.Where(w => !localBundles.Keys.Any(sha => w.Contains(sha, StringComparison.Ordinal))))
        {
            lines.Add(new Text("Warning: " + warning + "\n"));
        }

        return new Rows(lines);
    }

    private static Table Tasks(DryRunPlan plan, bool ascii)
    {
        var table = NewTable(ascii, "tasks");
        table.AddColumns("task", "kind", "runs", "attempts", "timeout s", "cpu", "memory", "job", "vCPU-s max", "GiB-s max", "Cloud Run USD max", "Claude USD max", "USD max", "USD likely");
        foreach (var t in plan.Tasks)
        {
            table.AddRow(Cells([t.Id, t.Kind, Num(t.Runs), Num(t.MaxAttempts), Num(t.TimeoutSeconds), t.Cpu, t.Memory, t.Job, .. Cost(t.Cost)]));
        }

        table.AddRow(Cells(["TOTAL", "", Num(plan.Runs), "", "", "", "", "", .. Cost(plan.Cost)]));
        return RightAlign(table, 2, 3, 4, 8, 9, 10, 11, 12, 13);
    }

    private static Table Jobs(DryRunPlan plan, bool ascii)
    {
        var table = NewTable(ascii, "Cloud Run jobs");
        table.AddColumns("job", "kind", "image", "cpu", "memory", "tasks", "state");
        foreach (var j in plan.Jobs)
        {
            table.AddRow(Cells(j.Name, j.Kind, j.Image, j.Cpu, j.Memory, string.Join(", ", j.Tasks),
                j.Exists switch { true => "exists", false => "would be created", null => "unknown" }));
        }

        return table;
    }

    private static Table Inputs(DryRunPlan plan, bool ascii, IReadOnlyDictionary<string, long> localBundles)
    {
        var table = NewTable(ascii, "input sets");
        table.AddColumns("set", "tasks", "input", "source", "reference", "bytes", "state");
        foreach (var set in plan.InputSets)
        {
            if (set.Problem is { } problem)
            {
                table.AddRow(Cells(set.Key, string.Join(", ", set.Tasks), "", "", "", "", "fails: " + problem));
            }

            foreach (var o in set.Objects)
            {
                var state = o.Uploaded switch
                {
                    true => "uploaded",
                    // The set's own bundle is uploaded by the preparation; a path input's by the command before it submits.
                    false when o.Input == PrepareBatch.InputSetBundleName || localBundles.ContainsKey(o.Reference) => "would upload",
                    false => "missing",
                    null => o.Source == "git" ? "pinned at start" : "-",
                };
                var input = o.Input == PrepareBatch.InputSetBundleName ? "(text, base64, path)" : o.Input;
                table.AddRow(Cells(set.Key, string.Join(", ", set.Tasks), input, o.Source, o.Source == "bundle" ? o.Reference[..12] : o.Reference,
                    (o.Bytes ?? localBundles.GetValueOrDefault(o.Reference, -1)) is var bytes and >= 0 ? Num(bytes) : "", state));
            }
        }

        return table;
    }

    private static string[] Cost(CostEstimate cost) =>
    [
        cost.VcpuSecondsMax.ToString("0.##", Invariant), cost.GibSecondsMax.ToString("0.##", Invariant), Usd(cost.CloudRunUsdMax),
        cost.ClaudeUsdMax is { } claude ? Usd(claude) : "-", Usd(cost.UpperUsd) + (cost.Bounded ? "" : "+"), cost.LikelyUsd is { } likely ? Usd(likely) : "?",
    ];

    private static string Usd(decimal value) => value.ToString("0.00####", Invariant);

    private static string Num(long value) => value.ToString(Invariant);

    private static Table NewTable(bool ascii, string title) => new()
    {
        Border = ascii ? TableBorder.Ascii : TableBorder.Rounded,
        Title = new TableTitle(Markup.Escape(title)),
    };

    private static Table RightAlign(Table table, params int[] columns)
    {
        foreach (var column in columns)
        {
            table.Columns[column].RightAligned();
        }

        return table;
    }

    private static IRenderable[] Cells(params string[] values) => [.. values.Select(v => new Text(v))];
}
