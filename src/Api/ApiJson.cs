using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Orchestration.Domain;

namespace Orchestration.Api;

/// <summary>The JSON options of every answer: the product's options, with <c>+</c>, <c>'</c>, <c>&lt;</c> and
/// non-ASCII text written as themselves instead of <c>\u002B</c>-style escapes.</summary>
/// <remarks>
/// <para>The default encoder escapes HTML-sensitive characters for pages that embed JSON; these answers are
/// <c>application/json</c> and are never embedded in HTML by the product. Stored documents keep
/// <see cref="BatchJson.Options"/>: their bytes (and hashes) do not change.</para>
/// <para>Type metadata comes from <see cref="ApiJsonContext"/> (generated, no reflection), so the answers are written the
/// same in a natively compiled host.</para>
/// </remarks>
public static class ApiJson
{
    /// <summary>Documents: <see cref="BatchJson.Options"/>' settings with the relaxed encoder (nulls omitted).</summary>
    public static JsonSerializerOptions Options { get; } = Relaxed(new JsonSerializerOptions(BatchJson.Create(ApiJsonContext.Default)));

    /// <summary>Rows and pages: web defaults with the relaxed encoder (nulls written, so every row has every column).</summary>
    public static JsonSerializerOptions Rows { get; } = Relaxed(new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = ApiJsonContext.Default });

    /// <summary>Generated metadata of every type the API writes or reads (its answers and what those hold).</summary>
    /// <remarks>For the host's HTTP JSON options (<see cref="OrchestrationApi.AddOrchestrationApi"/> adds it to their
    /// resolver chain): the handlers write with the options above, but the generated endpoints ask the host's options
    /// for <see cref="object"/>'s metadata when they are built, and without reflection only a context has it.</remarks>
    public static IJsonTypeInfoResolver Resolver => ApiJsonContext.Default;

    private static JsonSerializerOptions Relaxed(JsonSerializerOptions options)
    {
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.MakeReadOnly();
        return options;
    }
}
