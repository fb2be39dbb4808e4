using Orchestration.Domain.Aggregation;

namespace Orchestration.Api;

/// <summary>Writes an aggregate as CSV: one row per task, then a total row (<c>scope</c> = task or total).</summary>
/// <remarks>Columns added later (<c>skipped</c>) come after the first ones, before the flag columns, so a reader of
/// the older columns by position still finds them.</remarks>
internal static class ResultsCsvWriter
{
    private static readonly string[] Fixed =
    [
        "scope", "task", "runs", "passed", "failed", "errored", "timedOut", "cancelled", "passRate", "passRateLower", "passRateUpper",
        "durationP50", "durationP95", "costUsd", "attempts", "retries", "skipped",
    ];

    public static string Write(BatchAggregate aggregate)
    {
        var flags = aggregate.Tasks.SelectMany(t => t.Flagged.Keys).Concat(aggregate.Total.Flagged.Keys)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        using var output = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        output.Write(Csv.Record([.. Fixed, .. flags.Select(f => "flagged." + f)]));
        foreach (var task in aggregate.Tasks)
        {
            output.Write(Csv.Record(Row("task", task.Id, task, flags)));
        }

        output.Write(Csv.Record(Row("total", string.Empty, aggregate.Total, flags)));
        return output.ToString();
    }

    private static IEnumerable<string> Row(string scope, string task, AggregateStats stats, List<string> flags)
    {
        object?[] values =
        [
            scope, task, stats.Runs, stats.Passed, stats.Failed, stats.Errored, stats.TimedOut, stats.Cancelled,
            stats.PassRate?.Rate, stats.PassRate?.Lower, stats.PassRate?.Upper, stats.Duration?.P50, stats.Duration?.P95,
            stats.Cost.TotalUsd, stats.Attempts, stats.Retries, stats.Skipped,
        ];
        return values.Select(RunColumns.Text).Concat(flags.Select(f => RunColumns.Text(stats.Flagged.GetValueOrDefault(f))));
    }
}
