using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Orchestration.Domain.Documents;
using Orchestration.Domain.Validation;

namespace Orchestration.Domain.Schema;

/// <summary>The JSON Schema (draft 2020-12) of the batch document, built from the document types as
/// <see cref="BatchJson.Options"/> reads them plus the limits <see cref="BatchValidator"/> enforces.</summary>
/// <remarks>One source: the structure (fields, types, which fields exist where) comes from the serializer's own
/// type metadata, and the intake checks every document against that same structure before the rule checks
/// run; the constraints (ranges, lengths, patterns, combinations) come from <see cref="BatchLimits"/> and the
/// validator's own patterns. <c>docs/batch.schema.json</c> is this schema for the default limits; a test keeps
/// the file equal to it and runs every sample and invalid-document case through both schema and validator.</remarks>
public static partial class BatchSchema
{
    /// <summary>The dialect the schema declares.</summary>
    public const string Dialect = "https://json-schema.org/draft/2020-12/schema";

    private static readonly Dictionary<Type, string> DefNames = new()
    {
        [typeof(TaskDocument)] = "task",
        [typeof(WebhookDocument)] = "webhook",
        [typeof(InputSource)] = "input",
        [typeof(GitSource)] = "git",
        [typeof(ProfileDocument)] = "profile",
        [typeof(PassRule)] = "pass",
        [typeof(FlagRule)] = "flagRule",
    };

    private static readonly Lazy<JsonObject> DefaultSchema = new(() => Create(new BatchLimits(), new BatchDefaults()));

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        IndentSize = 2,

        // The schema is read by people and editors: keep '+', '<' and non-ASCII as they are, escaping only what JSON requires.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The schema for the built-in limits and defaults (what <c>docs/batch.schema.json</c> holds).</summary>
    /// <remarks>Shared and cached: callers must not change it; use <see cref="Create"/> for a private copy.</remarks>
    public static JsonObject Default => DefaultSchema.Value;

    /// <summary>Builds the schema for the given limits and defaults.</summary>
    /// <param name="limits">The limits in force.</param>
    /// <param name="defaults">The host's defaults (documented as each field's <c>default</c>).</param>
    /// <returns>A new schema object.</returns>
    public static JsonObject Create(BatchLimits limits, BatchDefaults defaults)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(defaults);
        var defs = new JsonObject();
        var root = Describe(BatchJson.Options.GetTypeInfo(typeof(BatchDocument)), defs);
        foreach (var (type, name) in DefNames)
        {
            defs[name] = Describe(BatchJson.Options.GetTypeInfo(type), defs);
        }

        // Defaults take any task field but the id (kept as a field so the validator can say why it is refused).
        defs["defaults"] = defs["task"]!.DeepClone();
        root["properties"]!["defaults"] = OrNull(new JsonObject { ["$ref"] = "#/$defs/defaults" });

        Constrain(root, defs, limits, defaults);
        var schema = new JsonObject
        {
            ["$schema"] = Dialect,
            ["title"] = "Orchestration batch document",
            ["description"] = "A batch: tasks, each run n times, judged and counted. Reference: docs/batch-document.md.",
        };
        foreach (var (key, value) in root)
        {
            schema[key] = value?.DeepClone();
        }

        schema["$defs"] = Sorted(defs);
        return schema;
    }

    /// <summary>The schema as indented JSON text with a final newline, as committed under <c>docs/</c>.</summary>
    /// <param name="schema">The schema.</param>
    /// <returns>The text.</returns>
    public static string ToText(JsonObject schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.ToJsonString(Indented) + "\n";
    }

    private static JsonObject Describe(JsonTypeInfo info, JsonObject defs)
    {
        var properties = new JsonObject();
        foreach (var property in info.Properties)
        {
            var nullable = System.Nullable.GetUnderlyingType(property.PropertyType) is not null || (!property.PropertyType.IsValueType && property.IsGetNullable);
            var schema = Of(property.PropertyType);
            properties[property.Name] = nullable ? OrNull(schema) : schema;
        }

        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["additionalProperties"] = false,
        };
    }

    // The schema of a value of this type, not yet nullable; element types of lists and maps are never null.
    private static JsonObject Of(Type type)
    {
        type = System.Nullable.GetUnderlyingType(type) ?? type;
        if (DefNames.TryGetValue(type, out var name))
        {
            return new JsonObject { ["$ref"] = "#/$defs/" + name };
        }

        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(int))
        {
            return new JsonObject { ["type"] = "integer" };
        }

        if (type == typeof(decimal))
        {
            return new JsonObject { ["type"] = "number" };
        }

        if (type == typeof(JsonElement))
        {
            return [];
        }

        if (type.IsEnum)
        {
            return new JsonObject { ["enum"] = new JsonArray([.. Enum.GetNames(type).Select(n => (JsonNode)WireNames.Of(n))]) };
        }

        var info = BatchJson.Options.GetTypeInfo(type);
        return info.Kind switch
        {
            JsonTypeInfoKind.Dictionary => new JsonObject { ["type"] = "object", ["additionalProperties"] = Of(info.ElementType!) },
            JsonTypeInfoKind.Enumerable => new JsonObject { ["type"] = "array", ["items"] = Of(info.ElementType!) },
            _ => throw new NotSupportedException($"The batch schema has no mapping for {type}."),
        };
    }

    private static JsonObject OrNull(JsonObject schema)
    {
        if (schema["type"] is JsonValue single)
        {
            schema["type"] = new JsonArray(single.GetValue<string>(), "null");
            return schema;
        }

        if (schema["enum"] is JsonArray values)
        {
            values.Add(null);
            return schema;
        }

        return schema.Count == 0 ? schema : new JsonObject { ["anyOf"] = new JsonArray(schema, new JsonObject { ["type"] = "null" }) };
    }

    private static JsonObject Sorted(JsonObject defs)
    {
        var sorted = new JsonObject();
        foreach (var name in defs.Select(d => d.Key).Order(StringComparer.Ordinal).ToList())
        {
            var value = defs[name];
            defs.Remove(name);
            sorted[name] = value;
        }

        return sorted;
    }
}
