using System.Text.Json;
using Orchestration.Domain.Judging;

namespace Orchestration.Domain.Tests.Judging;

public sealed class JsonPathExpressionTests
{
    private const string Document = """
        {"verdict": {"flagged": true}, "my key": [10, 20, {"x": "y"}], "a.b": 1, "quote'd": 2, "": 3}
        """;

    [Theory]
    [InlineData("$", "object")]
    [InlineData("$.verdict.flagged", "true")]
    [InlineData("$['verdict']['flagged']", "true")]
    [InlineData("$[\"verdict\"].flagged", "true")]
    [InlineData("$['my key'][1]", "20")]
    [InlineData("$['my key'][2].x", "\"y\"")]
    [InlineData("$['a.b']", "1")]
    [InlineData(@"$['quote\'d']", "2")]
    [InlineData("$['']", "3")]
    public void TrySelect_SupportedPath_SelectsValue(string path, string expected)
    {
        // Arrange
        using var document = JsonDocument.Parse(Document);
        Assert.True(JsonPathExpression.TryParse(path, out var expression, out var error), error);

        // Act
        var found = expression!.TrySelect(document.RootElement, out var value);

        // Assert
        Assert.True(found);
        Assert.Equal(expected, value.ValueKind == JsonValueKind.Object ? "object" : value.GetRawText());
    }

    [Theory]
    [InlineData("$.missing")]
    [InlineData("$.verdict.flagged.deeper")]
    [InlineData("$['my key'][3]")]
    [InlineData("$.verdict[0]")]
    public void TrySelect_PathNotInDocument_ReturnsFalse(string path)
    {
        // Arrange
        using var document = JsonDocument.Parse(Document);
        Assert.True(JsonPathExpression.TryParse(path, out var expression, out _));

        // Act
        var found = expression!.TrySelect(document.RootElement, out _);

        // Assert
        Assert.False(found);
    }

    [Theory]
    [InlineData("", "a JSONPath starts with '$'")]
    [InlineData("verdict", "a JSONPath starts with '$'")]
    [InlineData("$..flagged", "at position 2: a member name is empty (recursive descent '..' is not supported)")]
    [InlineData("$.*", "at position 2: wildcards are not supported")]
    [InlineData("$[-1]", "at position 2: expected a quoted name or a non-negative index followed by ']'")]
    [InlineData("$[*]", "at position 2: expected a quoted name or a non-negative index followed by ']'")]
    [InlineData("$[1", "at position 2: expected a quoted name or a non-negative index followed by ']'")]
    [InlineData("$['open", "at position 7: an unterminated quoted name (expected a closing quote and ']')")]
    [InlineData("$[99999999999]", "at position 2: the index is too large")]
    [InlineData("$x", "at position 1: unexpected 'x'")]
    public void TryParse_UnsupportedPath_ReturnsError(string path, string expected)
    {
        // Act
        var parsed = JsonPathExpression.TryParse(path, out var expression, out var error);

        // Assert
        Assert.False(parsed);
        Assert.Null(expression);
        Assert.Equal(expected, error);
    }
}
