using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestration.Domain.Judging;

/// <summary>Reads the <c>errors</c> member of Claude Code's result line leniently: strings as they are,
/// an object by its <c>message</c> (else its JSON text), any other value by its JSON text.</summary>
/// <remarks>Claude Code writes strings, but the member has no published schema: a shape this type does not
/// expect must not make the whole <c>result.json</c> unreadable, which would turn a judged failure into an
/// infrastructure error.</remarks>
internal sealed class ClaudeErrorsJsonConverter : JsonConverter<IReadOnlyList<string>>
{
    /// <inheritdoc />
    public override IReadOnlyList<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return [reader.GetString()!];
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }

        var errors = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            errors.Add(reader.TokenType == JsonTokenType.String ? reader.GetString()! : ReadOther(ref reader));
        }

        return errors;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        foreach (var error in value)
        {
            writer.WriteStringValue(error);
        }

        writer.WriteEndArray();
    }

    private static string ReadOther(ref Utf8JsonReader reader)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var element = document.RootElement;
        return element.ValueKind == JsonValueKind.Object && element.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
            ? message.GetString()!
            : element.GetRawText();
    }
}
