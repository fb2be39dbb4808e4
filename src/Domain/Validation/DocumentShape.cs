using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestration.Domain.Validation;

/// <summary>Checks a parsed JSON tree against the structural keywords of the batch schema (<c>type</c>,
/// <c>enum</c>, <c>properties</c>, <c>additionalProperties</c>, <c>items</c>, <c>$ref</c>, nullable
/// <c>anyOf</c>), collecting every unknown field, duplicate field and wrong type instead of stopping at
/// the first, and returns a copy without the offending values so rule checks can still run on the rest.</summary>
/// <remarks>The schema is <see cref="Schema.BatchSchema"/>'s, built from the document types and the
/// serializer options, so what this refuses is what the published schema refuses. Its other keywords
/// (ranges, patterns, combinations) are enforced by <see cref="BatchValidator"/>, with friendlier messages.</remarks>
internal sealed class DocumentShape
{
    private readonly JsonObject _root;
    private readonly JsonObject _defs;
    private readonly int _maxDepth;
    private readonly List<ValidationProblem> _problems = [];
    private readonly List<string> _dropped = [];

    private DocumentShape(JsonObject schema, int maxDepth)
    {
        _root = schema;
        _defs = schema["$defs"]?.AsObject() ?? [];
        _maxDepth = maxDepth;
    }

    /// <summary>Problems found, in document order.</summary>
    public IReadOnlyList<ValidationProblem> Problems => _problems;

    /// <summary>Paths whose value was removed (wrong type, too deep); problems that follow from the absence are not real.</summary>
    public IReadOnlyList<string> Dropped => _dropped;

    /// <summary>Checks <paramref name="document"/> and returns the shape-conforming copy.</summary>
    /// <param name="document">The parsed document.</param>
    /// <param name="schema">The batch schema.</param>
    /// <param name="maxDepth">The deepest nesting accepted.</param>
    /// <returns>The checker (problems, dropped paths) and the cleaned copy.</returns>
    public static (DocumentShape Shape, JsonNode? Cleaned) Check(JsonElement document, JsonObject schema, int maxDepth)
    {
        var shape = new DocumentShape(schema, maxDepth);
        var cleaned = shape.Walk(document, schema, "", 0, out var keep);
        return (shape, keep ? cleaned : null);
    }

    private JsonNode? Walk(JsonElement value, JsonNode? schema, string path, int depth, out bool keep)
    {
        keep = true;
        schema = Resolve(schema);
        if (schema is not JsonObject rules || !(rules.ContainsKey("type") || rules.ContainsKey("enum") || rules.ContainsKey("anyOf")))
        {
            // Any value (flag rule's equals): only its depth is bounded.
            if (depth + DepthOf(value) > _maxDepth)
            {
                return Drop(path, $"The document is nested deeper than {_maxDepth} levels.", out keep);
            }

            return Node(value);
        }

        if (rules["anyOf"] is JsonArray branches)
        {
            if (value.ValueKind == JsonValueKind.Null && branches.Any(b => Accepts(Resolve(b), JsonValueKind.Null)))
            {
                return null;
            }

            var chosen = branches.FirstOrDefault(b => Accepts(Resolve(b), value.ValueKind)) ?? branches[0];
            return Walk(value, chosen, path, depth, out keep);
        }

        if (!Accepts(rules, value))
        {
            return Drop(path, value.ValueKind == JsonValueKind.Null ? $"Must be {Expected(rules)}, not null." : $"Wrong type or value: expected {Expected(rules)}.", out keep);
        }

        return value.ValueKind switch
        {
            JsonValueKind.Object => WalkObject(value, rules, path, depth),
            JsonValueKind.Array => WalkArray(value, rules, path, depth),
            _ => Node(value),
        };
    }

    private JsonObject WalkObject(JsonElement value, JsonObject rules, string path, int depth)
    {
        var properties = rules["properties"] as JsonObject;
        var additional = rules["additionalProperties"];
        var copy = new JsonObject();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in value.EnumerateObject())
        {
            var at = path.Length == 0 && member.Name.StartsWith('$') ? member.Name : JsonPaths.Property(path, member.Name);
            if (!seen.Add(member.Name))
            {
                // The first value is kept so rule checks see one meaning; the document is refused anyway.
                _problems.Add(new ValidationProblem(at, "Duplicate field; each field may appear once."));
                continue;
            }

            JsonNode? memberSchema;
            if (properties is not null && properties.TryGetPropertyValue(member.Name, out var declared))
            {
                memberSchema = declared;
            }
            else if (additional is JsonObject)
            {
                memberSchema = additional;
            }
            else
            {
                _problems.Add(new ValidationProblem(at, "Unknown field; check its spelling (names are camelCase)."));
                continue;
            }

            var child = Walk(member.Value, memberSchema, at, depth + 1, out var keep);
            if (keep)
            {
                copy[member.Name] = child;
            }
        }

        return copy;
    }

    private JsonArray WalkArray(JsonElement value, JsonObject rules, string path, int depth)
    {
        var copy = new JsonArray();
        var index = 0;
        var checkedItems = rules["maxItems"] is JsonValue max ? max.GetValue<int>() : int.MaxValue;
        foreach (var item in value.EnumerateArray())
        {
            // Items past the schema's maxItems are refused by the rule checks anyway; copying them unchecked keeps a
            // 10,000-task document cheap to refuse while the count stays true.
            if (index >= checkedItems)
            {
                copy.Add(Node(item));
                index++;
                continue;
            }

            // A dropped item becomes null so later items keep their index (and their paths stay true).
            var child = Walk(item, rules["items"], JsonPaths.Index(path, index++), depth + 1, out _);
            copy.Add(child);
        }

        return copy;
    }

    private JsonNode? Drop(string path, string message, out bool keep)
    {
        _problems.Add(new ValidationProblem(path.Length == 0 ? JsonPaths.Root : path, message));
        _dropped.Add(path);
        keep = false;
        return null;
    }

    private JsonNode? Resolve(JsonNode? schema)
    {
        while (schema is JsonObject obj && obj["$ref"]?.GetValue<string>() is { } reference)
        {
            const string Prefix = "#/$defs/";
            schema = reference == "#" ? _root : reference.StartsWith(Prefix, StringComparison.Ordinal) ? _defs[reference[Prefix.Length..]] : null;
        }

        return schema;
    }

    private static bool Accepts(JsonNode? schema, JsonValueKind kind) => schema is JsonObject rules && Types(rules).Any(t => kind switch
    {
        JsonValueKind.Null => t == "null",
        JsonValueKind.Object => t == "object",
        JsonValueKind.Array => t == "array",
        JsonValueKind.String => t == "string",
        JsonValueKind.Number => t is "number" or "integer",
        JsonValueKind.True or JsonValueKind.False => t == "boolean",
        _ => false,
    });

    private static bool Accepts(JsonObject rules, JsonElement value)
    {
        // Only a bare enum (a C# enum such as kind) is a shape; an enum beside a type (cpu) is a rule the validator words better.
        if (rules["enum"] is JsonArray allowed && !rules.ContainsKey("type"))
        {
            return value.ValueKind == JsonValueKind.Null
                ? allowed.Any(a => a is null)
                : value.ValueKind == JsonValueKind.String && allowed.Any(a => a is JsonValue v && v.GetValue<string>() == value.GetString());
        }

        return Types(rules).Any(t => t switch
        {
            "null" => value.ValueKind == JsonValueKind.Null,
            "object" => value.ValueKind == JsonValueKind.Object,
            "array" => value.ValueKind == JsonValueKind.Array,
            "string" => value.ValueKind == JsonValueKind.String,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
            "number" => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out _),
            _ => false,
        });
    }

    private static IEnumerable<string> Types(JsonObject rules) => rules["type"] switch
    {
        JsonArray many => many.Select(t => t!.GetValue<string>()),
        JsonValue one => [one.GetValue<string>()],
        _ when rules["enum"] is JsonArray allowed => allowed.Select(a => a is null ? "null" : "string"),
        _ => [],
    };

    private static string Expected(JsonObject rules)
    {
        if (rules["enum"] is JsonArray allowed && !rules.ContainsKey("type"))
        {
            return string.Join(" or ", allowed.Where(a => a is not null).Select(a => a!.ToJsonString()));
        }

        return Types(rules).FirstOrDefault(t => t != "null") switch
        {
            "integer" => "a whole number",
            "number" => "a number",
            "string" => "a string",
            "array" => "an array",
            "boolean" => "true or false",
            _ => "an object",
        };
    }

    // Wraps the element (no copy); the parser binds the copy before it disposes the document.
    private static JsonNode? Node(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => JsonObject.Create(value),
        JsonValueKind.Array => JsonArray.Create(value),
        JsonValueKind.Null => null,
        _ => JsonValue.Create(value),
    };

    private static int DepthOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => 1 + value.EnumerateObject().Select(m => DepthOf(m.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + value.EnumerateArray().Select(DepthOf).DefaultIfEmpty(0).Max(),
        _ => 0,
    };
}
