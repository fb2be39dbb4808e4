using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Judging;

namespace Orchestration.Adapters.Stores;

/// <summary>Encodings the stores share: sortable run keys, outcome names, flag lists, row JSON, and the
/// continuation tokens of the SQLite stores (the last key seen, opaque to callers).</summary>
internal static class RunKeys
{
    // The product's options (camelCase, enums by name): the bytes stored rows always had.
    private static readonly JsonTypeInfo<RunRow> RowInfo = AdaptersJson.Options.Info<RunRow>();

    /// <summary>A key that sorts like (ordinal, index): <c>00002-000017</c>.</summary>
    public static string Of(int taskOrdinal, int runIndex) =>
        string.Create(CultureInfo.InvariantCulture, $"{taskOrdinal:D5}-{runIndex:D6}");

    public static string OutcomeName(RunOutcome outcome) => WireNames.Of(outcome);

    /// <summary>Flags as <c>|a|b|</c>, so "flag fired" is a substring test on <c>|name|</c>.</summary>
    public static string FlagList(IReadOnlyList<string> flags) => flags.Count == 0 ? "|" : "|" + string.Join('|', flags) + "|";

    public static byte[] Serialize(RunRow row) => JsonSerializer.SerializeToUtf8Bytes(row, RowInfo);

    public static RunRow Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, RowInfo) ?? throw new InvalidDataException("A stored run row is null.");

    public static string Token(string key) => Convert.ToBase64String(Encoding.UTF8.GetBytes(key));

    public static string Untoken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return "";
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException ex)
        {
            throw new ArgumentException("Invalid continuation token.", nameof(token), ex);
        }
    }
}
