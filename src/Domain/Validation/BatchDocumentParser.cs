using System.Text.Json;
using Orchestration.Domain.Documents;

namespace Orchestration.Domain.Validation;

/// <summary>Reads a batch document from JSON, turning every reader failure into a located problem.</summary>
/// <remarks>System.Text.Json stops at the first structural error (unknown field, wrong type, duplicate
/// property, nesting too deep), so a document that does not parse yields exactly one problem; rule
/// checks on a parsed document (<see cref="BatchValidator"/>) then report every problem at once.</remarks>
public static class BatchDocumentParser
{
    /// <summary>Parses UTF-8 JSON.</summary>
    /// <param name="utf8Json">The document.</param>
    /// <returns>The document, or the problem that stopped the reader.</returns>
    public static ParseResult Parse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var document = JsonSerializer.Deserialize<BatchDocument>(utf8Json, BatchJson.Options);
            return document is null
                ? ParseResult.Failed(new ValidationProblem("", "The batch document must be a JSON object, not null."))
                : ParseResult.Parsed(document);
        }
        catch (JsonException ex)
        {
            return ParseResult.Failed(ToProblem(ex));
        }
    }

    /// <summary>Parses a JSON string.</summary>
    /// <param name="json">The document.</param>
    /// <returns>The document, or the problem that stopped the reader.</returns>
    public static ParseResult Parse(string json) => Parse(System.Text.Encoding.UTF8.GetBytes(json));

    private static ValidationProblem ToProblem(JsonException ex)
    {
        var path = JsonPaths.FromReaderPath(ex.Path);
        var message = ex.Message;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return new ValidationProblem(path, "Unknown field; check its spelling (names are camelCase).");
        }

        if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return new ValidationProblem(path, "Duplicate field; each field may appear once.");
        }

        if (message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return new ValidationProblem(path, $"The document is nested deeper than {BatchJson.MaxDepth} levels.");
        }

        if (message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return new ValidationProblem(path, $"Wrong type or value: expected {ExpectedType(message)}.");
        }

        return new ValidationProblem(path, $"Not valid JSON ({FirstSentence(message)}).");
    }

    private static string ExpectedType(string message) => message switch
    {
        _ when message.Contains("System.Int32", StringComparison.Ordinal) => "a whole number",
        _ when message.Contains("System.Decimal", StringComparison.Ordinal) => "a number",
        _ when message.Contains("System.String", StringComparison.Ordinal) => "a string",
        _ when message.Contains("TaskKind", StringComparison.Ordinal) => "\"command\" or \"claude\"",
        _ when message.Contains("IReadOnlyList", StringComparison.Ordinal) => "an array",
        _ when message.Contains("IReadOnlyDictionary", StringComparison.Ordinal) => "an object",
        _ => "an object",
    };

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end < 0 ? message : message[..end]).TrimEnd('.');
    }
}
