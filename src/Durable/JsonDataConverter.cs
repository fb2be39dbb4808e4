using System.Text.Json;

namespace Orchestration.Durable;

/// <summary>A <see cref="DataConverter"/> over System.Text.Json with one options object.</summary>
/// <param name="options">The serializer options; the product passes its shared options, the default is
/// <see cref="JsonSerializerDefaults.Web"/>.</param>
public sealed class JsonDataConverter(JsonSerializerOptions? options = null) : DataConverter
{
    /// <summary>The converter with web defaults.</summary>
    public static JsonDataConverter Default { get; } = new();

    /// <summary>The serializer options in use.</summary>
    public JsonSerializerOptions Options { get; } = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);

    /// <inheritdoc/>
    public override string? Serialize(object? value)
        => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), Options);

    /// <inheritdoc/>
    public override object? Deserialize(string? data, Type targetType)
        => data is null ? null : JsonSerializer.Deserialize(data, targetType, Options);
}
