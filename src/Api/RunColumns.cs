using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Orchestration.Domain;
using Orchestration.Workflows.Service;

namespace Orchestration.Api;

/// <summary>The flat columns of <c>/runs</c>: the same names and values in json, jsonl and csv.</summary>
internal sealed class RunColumns
{
    private static readonly string[] Fixed =
        ["batch", "task", "runIndex", "outcome", "flags", "exitCode", "durationSeconds", "costUsd", "attempts", "execution", "reason"];

    private readonly IReadOnlyList<IReadOnlyDictionary<string, string>> _taskLabels;
    private readonly string[] _labelNames;

    public RunColumns(RunListing listing)
    {
        _taskLabels = listing.TaskLabels;
        _labelNames = [.. listing.TaskLabels.SelectMany(l => l.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        Names = [.. Fixed, .. _labelNames.Select(n => "label." + n)];
    }

    /// <summary>Every column name, in order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>A row's values in column order, as JSON-ready objects (null when absent).</summary>
    public object?[] Values(RunView row)
    {
        var labels = row.TaskOrdinal < _taskLabels.Count ? _taskLabels[row.TaskOrdinal] : null;
        var values = new object?[Names.Count];
        values[0] = row.BatchId;
        values[1] = row.TaskId;
        values[2] = row.RunIndex;
        values[3] = WireNames.Of(row.Outcome);
        values[4] = string.Join(';', row.Flags);
        values[5] = row.ExitCode;
        values[6] = row.DurationSeconds;
        values[7] = row.CostUsd;
        values[8] = row.Attempts;
        values[9] = row.Execution;
        values[10] = row.Reason;
        for (var i = 0; i < _labelNames.Length; i++)
        {
            values[Fixed.Length + i] = labels is not null && labels.TryGetValue(_labelNames[i], out var value) ? value : null;
        }

        return values;
    }

    /// <summary>A row as a flat JSON object.</summary>
    public Dictionary<string, object?> Object(RunView row)
    {
        var values = Values(row);
        var result = new Dictionary<string, object?>(Names.Count, StringComparer.Ordinal);
        for (var i = 0; i < values.Length; i++)
        {
            result[Names[i]] = values[i];
        }

        return result;
    }

    /// <summary>A value as CSV text (invariant culture, empty for null).</summary>
    public static string Text(object? value) => value switch
    {
        null => string.Empty,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>The JSON options of run documents: nulls are written, so every row has every column.</summary>
    public static JsonSerializerOptions Json => ApiJson.Rows;

    /// <summary>A row's metadata under <see cref="Json"/>.</summary>
    public static JsonTypeInfo<Dictionary<string, object?>> Row { get; } = Json.Info<Dictionary<string, object?>>();
}
