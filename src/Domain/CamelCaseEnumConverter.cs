using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestration.Domain;

/// <summary>
/// An enum written and read as its camelCase member name, never as a number: the wire form of every enum in batch
/// documents, results and durable payloads. Put on the enum type (<c>[JsonConverter(typeof(CamelCaseEnumConverter&lt;T&gt;))]</c>)
/// so it holds for reflection and generated metadata alike, without a converter that needs runtime code generation.
/// </summary>
/// <typeparam name="TEnum">The enum.</typeparam>
public sealed class CamelCaseEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    /// <summary>Initializes a new instance of the <see cref="CamelCaseEnumConverter{TEnum}"/> class.</summary>
    public CamelCaseEnumConverter()
        : base(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    {
    }
}
