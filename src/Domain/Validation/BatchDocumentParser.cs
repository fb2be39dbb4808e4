using System.Text.Json;
using Orchestration.Domain.Documents;
using Orchestration.Domain.Schema;

namespace Orchestration.Domain.Validation;

/// <summary>Reads a batch document from JSON: syntax, then shape (fields and types, all problems at once), then binding.</summary>
/// <remarks>A syntax error stops reading and is reported with its line and column. Otherwise the tree is checked
/// against the batch schema's structure (<see cref="BatchSchema"/>): every unknown field, duplicate field and wrong
/// type is reported, and the rest of the document is still bound so that <see cref="BatchValidator"/> can report
/// every rule problem in the same answer.</remarks>
public static class BatchDocumentParser
{
    // Deeper than BatchJson.MaxDepth so the shape check, not the reader, reports ordinary over-nesting, at its path.
    private static readonly JsonDocumentOptions ReaderOptions = new() { MaxDepth = BatchJson.MaxDepth * 2 };

    /// <summary>Parses UTF-8 JSON.</summary>
    /// <param name="utf8Json">The document.</param>
    /// <returns>The document (possibly partial) and the problems found reading it.</returns>
    public static ParseResult Parse(ReadOnlySpan<byte> utf8Json)
    {
        JsonDocument parsed;
        try
        {
            // JsonDocument keeps the memory it reads; a copy outlives the caller's span.
            parsed = JsonDocument.Parse(utf8Json.ToArray(), ReaderOptions);
        }
        catch (JsonException ex)
        {
            return ParseResult.Failed([SyntaxProblem(ex)], []);
        }

        using (parsed)
        {
            if (parsed.RootElement.ValueKind == JsonValueKind.Null)
            {
                return ParseResult.Failed([new ValidationProblem(JsonPaths.Root, "The batch document must be a JSON object, not null.")], []);
            }

            var (shape, cleaned) = DocumentShape.Check(parsed.RootElement, BatchSchema.Default, BatchJson.MaxDepth);
            if (cleaned is null)
            {
                return ParseResult.Failed(shape.Problems, shape.Dropped);
            }

            try
            {
                var document = cleaned.Deserialize(BatchJson.Options.Info<BatchDocument>())!;
                return ParseResult.Parsed(document, shape.Problems, shape.Dropped);
            }
            catch (JsonException ex)
            {
                // The shape check should leave nothing the binder refuses; if it does, say where rather than fail.
                return ParseResult.Failed([.. shape.Problems, new ValidationProblem(Located(ex.Path), $"Wrong type or value ({FirstSentence(ex.Message)}).")], shape.Dropped);
            }
        }
    }

    /// <summary>Parses a JSON string.</summary>
    /// <param name="json">The document.</param>
    /// <returns>The document (possibly partial) and the problems found reading it.</returns>
    public static ParseResult Parse(string json) => Parse(System.Text.Encoding.UTF8.GetBytes(json));

    private static ValidationProblem SyntaxProblem(JsonException ex)
    {
        var where = ex.LineNumber is { } line
            ? $" at line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}"
            : string.Empty;
        var message = FirstSentence(ex.Message);
        if (message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return new ValidationProblem(JsonPaths.Root, $"The document is nested deeper than {BatchJson.MaxDepth} levels{where}.");
        }

        return new ValidationProblem(JsonPaths.Root, $"Not valid JSON{where}: {message}.");
    }

    private static string Located(string? readerPath)
    {
        var path = JsonPaths.FromReaderPath(readerPath);
        return path.Length == 0 ? JsonPaths.Root : path;
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var text = cut < 0 ? message : message[..cut];
        var end = text.IndexOf(". ", StringComparison.Ordinal);
        return (end < 0 ? text : text[..end]).Trim().TrimEnd('.');
    }
}
