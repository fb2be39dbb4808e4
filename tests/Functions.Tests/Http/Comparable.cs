using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orchestration.Functions.Tests.Support;

namespace Orchestration.Functions.Tests.Http;

/// <summary>A response reduced to what two hosts must agree on: instants are masked (each host ran the batch at
/// its own time), and so are Cloud Run execution numbers (given in the order the runs happened to start);
/// everything else, status, content type, Location and the whole document, is kept.</summary>
public static partial class Comparable
{
    public static string Of(HttpAnswer answer)
    {
        // One JSON document (application/json, problem+json) is parsed and masked member by member; anything else
        // (CSV, JSON lines, plain text) is masked as text.
        var media = MediaType(answer.ContentType)?.Split(';')[0];
        var body = (media == "application/json" || media?.EndsWith("+json", StringComparison.Ordinal) == true) && answer.Body.Length > 0
            ? Mask(JsonNode.Parse(answer.Body))?.ToJsonString() ?? "null"
            : Text(answer.Body);
        // Retry-After is kept as present or absent: both hosts compute it from the batch's age at their own time.
        return $"{answer.Status} {MediaType(answer.ContentType)} {answer.Location} retry-after:{answer.RetryAfter is not null}\n{body}";
    }

    private static string? MediaType(string? contentType) => contentType?.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();

    private static JsonNode? Mask(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o.ToList())
                {
                    o[name] = Mask(value?.DeepClone());
                }

                return o;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    a[i] = Mask(a[i]?.DeepClone());
                }

                return a;
            case JsonValue v when v.TryGetValue<string>(out var s):
                return JsonValue.Create(Text(s));
            default:
                return node;
        }
    }

    private static string Text(string text) => Execution().Replace(Instant().Replace(text, "<instant>"), "/executions/<execution>");

    [GeneratedRegex(@"/executions/[A-Za-z0-9-]+")]
    private static partial Regex Execution();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")]
    private static partial Regex Instant();
}
