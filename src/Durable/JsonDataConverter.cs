using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Orchestration.Durable;

/// <summary>A <see cref="DataConverter"/> over System.Text.Json with one options object.</summary>
/// <param name="options">The serializer options; the product passes its shared options, the default is
/// <see cref="JsonSerializerDefaults.Web"/>.</param>
/// <remarks>Payloads go through the options' type metadata: their resolver (source-generated contexts in a trimmed
/// host) decides how each type is written; options without one get the reflection resolver at first use, as
/// JsonSerializer's own overloads give them.</remarks>
public sealed class JsonDataConverter(JsonSerializerOptions? options = null) : DataConverter
{
    /// <summary>The converter with web defaults.</summary>
    public static JsonDataConverter Default { get; } = new();

    /// <summary>The serializer options in use.</summary>
    public JsonSerializerOptions Options { get; } = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);

    /// <inheritdoc/>
    public override string? Serialize(object? value)
        => value is null ? null : JsonSerializer.Serialize(value, TypeInfo(value.GetType()));

    /// <inheritdoc/>
    public override object? Deserialize(string? data, Type targetType)
        => data is null ? null : JsonSerializer.Deserialize(data, TypeInfo(targetType));

    private JsonTypeInfo TypeInfo(Type type)
    {
        if (!Options.IsReadOnly)
        {
            CompleteResolver(Options);
        }

        return Options.GetTypeInfo(type);
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "What JsonSerializer does with such options itself: where reflection-based serialization is disabled (a trimmed host) this throws, naming the setting, rather than writing a wrong payload; such a host passes options with a source-generated resolver.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As above.")]
    private static void CompleteResolver(JsonSerializerOptions options) => options.MakeReadOnly(populateMissingResolver: true);
}
