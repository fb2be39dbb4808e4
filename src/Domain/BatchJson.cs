using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestration.Domain;

/// <summary>The one set of JSON options for batch documents, results and every durable payload.</summary>
/// <remarks>camelCase, enums as camelCase strings, unknown members rejected, bounded depth, duplicate
/// properties refused: a document means one thing or is refused.</remarks>
public static class BatchJson
{
    /// <summary>Maximum nesting accepted in a batch document.</summary>
    public const int MaxDepth = 32;

    /// <summary>Options for reading and writing documents.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null,
            PropertyNameCaseInsensitive = false,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            NumberHandling = JsonNumberHandling.Strict,
            AllowDuplicateProperties = false,
            MaxDepth = MaxDepth,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = false,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
