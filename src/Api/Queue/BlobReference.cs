using System.Text.Json;

namespace Orchestration.Api.Queue;

/// <summary>A queue message that points at a batch document stored as a blob: exactly
/// <c>{"blob": "CONTAINER/NAME"}</c>, with CONTAINER the configured one and NAME a plain blob path.</summary>
/// <remarks>A batch document never has a <c>blob</c> field (unknown fields are refused), so any object
/// carrying one is read as a reference and checked as one; that keeps a malformed reference from being
/// reported as a strange batch.</remarks>
/// <param name="Container">The container.</param>
/// <param name="Name">The blob name.</param>
internal sealed record BlobReference(string Container, string Name)
{
    public const string Property = "blob";
    public const string Shape = "{\"blob\": \"CONTAINER/NAME\"}";
    private const int MaxNameLength = 1024;

    public override string ToString() => $"{Container}/{Name}";

    /// <summary>False when <paramref name="utf8Json"/> is not a reference (it is then read as a batch
    /// document); true when it is one, with either the reference or the reason it is refused.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> utf8Json, string allowedContainer, out BlobReference? reference, out string? problem)
    {
        reference = null;
        problem = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            // Not JSON at all: the batch parser reports where and why, as it does over HTTP.
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(Property, out var value))
            {
                return false;
            }

            problem = Check(root, value, allowedContainer, out reference);
            return true;
        }
    }

    private static string? Check(JsonElement root, JsonElement value, string allowedContainer, out BlobReference? reference)
    {
        reference = null;
        var others = root.EnumerateObject().Select(p => p.Name).Where(n => n != Property).ToList();
        if (others.Count > 0)
        {
            return $"A blob reference is exactly {Shape}; it also has {QueueText.Clip(string.Join(", ", others.Select(n => $"'{n}'")), 100)}.";
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return $"A blob reference is exactly {Shape}; 'blob' is a {value.ValueKind.ToString().ToLowerInvariant()}, not a string.";
        }

        var text = value.GetString()!;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return $"A blob reference is exactly {Shape}; '{QueueText.Clip(text, 100)}' has no '/' between container and name.";
        }

        var (container, name) = (text[..slash], text[(slash + 1)..]);
        if (!string.Equals(container, allowedContainer, StringComparison.Ordinal))
        {
            return $"Blob container '{QueueText.Clip(container, 63)}' is not allowed; put documents too large for a message in container '{allowedContainer}'.";
        }

        if (CheckName(name) is { } nameProblem)
        {
            return $"Blob name '{QueueText.Clip(name, 100)}' is refused: {nameProblem}";
        }

        reference = new BlobReference(container, name);
        return null;
    }

    private static string? CheckName(string name)
    {
        if (name.Length is 0 or > MaxNameLength)
        {
            return $"a name is 1 to {MaxNameLength} characters.";
        }

        if (name.Any(c => char.IsControl(c) || c is '\\' or '?' or '#'))
        {
            return "it contains a control character, '\\', '?' or '#'.";
        }

        if (name.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            return "it has an empty, '.' or '..' segment (a leading, trailing or doubled '/', or a traversal).";
        }

        return null;
    }
}
