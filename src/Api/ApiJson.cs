using System.Text.Encodings.Web;
using System.Text.Json;
using Orchestration.Domain;

namespace Orchestration.Api;

/// <summary>The JSON options of every answer: the product's options, with <c>+</c>, <c>'</c>, <c>&lt;</c> and
/// non-ASCII text written as themselves instead of <c>\u002B</c>-style escapes.</summary>
/// <remarks>The default encoder escapes HTML-sensitive characters for pages that embed JSON; these answers are
/// <c>application/json</c> and are never embedded in HTML by the product. Stored documents keep
/// <see cref="BatchJson.Options"/>: their bytes (and hashes) do not change.</remarks>
internal static class ApiJson
{
    /// <summary>Documents: <see cref="BatchJson.Options"/> with the relaxed encoder (nulls omitted).</summary>
    public static JsonSerializerOptions Options { get; } = Create(new JsonSerializerOptions(BatchJson.Options));

    /// <summary>Rows and pages: web defaults with the relaxed encoder (nulls written, so every row has every column).</summary>
    public static JsonSerializerOptions Rows { get; } = Create(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static JsonSerializerOptions Create(JsonSerializerOptions options)
    {
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
