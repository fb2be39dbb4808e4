using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestration.Activities.CloudRun;

namespace Orchestration.Adapters.LocalRunner;

/// <summary>The state in <c>outcome.json</c> as it has always been stored: the enum's number (<c>"state": 3</c>).</summary>
/// <remarks>
/// <para><see cref="CloudRunExecutionState"/> now carries a converter to its camelCase name (its form in payloads and
/// answers); in this private file it stays a number, so a host of the previous version, which reads only numbers,
/// still reads the outcomes a newer host froze (an unreadable outcome reads as never frozen).</para>
/// <para>Reads the number, or a name (files written by a host that briefly stored the name).</para>
/// </remarks>
internal sealed class ExecutionStateNumberConverter : JsonConverter<CloudRunExecutionState>
{
    /// <inheritdoc />
    public override CloudRunExecutionState Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetInt32(out var number) => (CloudRunExecutionState)number,
            JsonTokenType.String when Enum.TryParse<CloudRunExecutionState>(reader.GetString(), ignoreCase: true, out var named)
                && Enum.IsDefined(named) => named,
            _ => throw new JsonException($"Not an execution state: {reader.TokenType}."),
        };

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, CloudRunExecutionState value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumberValue((int)value);
    }
}
