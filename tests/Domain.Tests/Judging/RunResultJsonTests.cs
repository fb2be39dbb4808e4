using Orchestration.Domain.Judging;

namespace Orchestration.Domain.Tests.Judging;

public sealed class RunResultJsonTests
{
    [Fact]
    public void TryParse_RealShapedClaudeResult_ReadsEveryField()
    {
        // Act
        var parsed = RunResultJson.TryParse(ClaudeResults.Success, out var result, out var error);

        // Assert
        Assert.True(parsed, error);
        Assert.Equal(0, result!.ExitCode);
        Assert.Equal(Termination.None, result.Termination);
        Assert.Equal(90.5, result.DurationSeconds);
        Assert.Equal("1.4.0", result.RunnerVersion);
        Assert.Equal(new OutputCapture(48211, false), result.Stdout);
        Assert.Equal("2.0.37 (Claude Code)", result.Claude!.Version);
        Assert.Equal("claude-sonnet-4-5", result.Claude.Model);
        var summary = result.Claude.Summary!;
        Assert.Equal(("success", false, 14), (summary.Subtype, summary.IsError, summary.NumTurns));
        Assert.Equal(0.21384525m, summary.TotalCostUsd);
        Assert.Equal("6f1c2a8e-0d4b-4b7e-9d7a-2a1f5c3e9b10", summary.SessionId);
        Assert.Equal(new ClaudeUsage { InputTokens = 37, OutputTokens = 2411, CacheCreationInputTokens = 18394, CacheReadInputTokens = 201876 }, summary.Usage);
    }

    [Fact]
    public void TryParse_CopiedFilesAndTermination_Read()
    {
        // Arrange
        const string json = """
            {"exitCode":143,"termination":"timeout","files":{"verdict.json":{"content":"{\"flagged\":true}","truncated":false}}}
            """;

        // Act
        var parsed = RunResultJson.TryParse(json, out var result, out _);

        // Assert
        Assert.True(parsed);
        Assert.Equal(Termination.Timeout, result!.Termination);
        Assert.Equal(new CopiedFile("{\"flagged\":true}", false), result.Files!["verdict.json"]);
    }

    [Theory]
    [InlineData("""["a",{"message":"b"},3,{"code":1},null]""", new[] { "a", "b", "3", "{\"code\":1}", "null" })]
    [InlineData("\"only one\"", new[] { "only one" })]
    [InlineData("[]", new string[0])]
    public void TryParse_ClaudeErrorsOfAnyShape_ReadAsText(string errors, string[] expected)
    {
        // Arrange
        var json = """{"exitCode":1,"claude":{"summary":{"subtype":"error_during_execution","errors":""" + errors + "}}}";

        // Act
        var parsed = RunResultJson.TryParse(json, out var result, out var error);

        // Assert
        Assert.True(parsed, error);
        Assert.Equal(expected, result!.Claude!.Summary!.Errors);
    }

    [Theory]
    [InlineData("{\"unexpected\":true}")]
    [InlineData("42")]
    public void TryParse_ClaudeErrorsNeitherTextNorList_Ignored(string errors)
    {
        // Arrange
        var json = """{"exitCode":1,"claude":{"summary":{"subtype":"error_during_execution","errors":""" + errors + "}}}";

        // Act
        var parsed = RunResultJson.TryParse(json, out var result, out var error);

        // Assert
        Assert.True(parsed, error);
        Assert.Null(result!.Claude!.Summary!.Errors);
    }

    [Theory]
    [InlineData("{\"exitCode\":")]
    [InlineData("{\"termination\":\"exploded\"}")]
    [InlineData("null")]
    public void TryParse_MalformedContent_ReturnsError(string json)
    {
        // Act
        var parsed = RunResultJson.TryParse(json, out var result, out var error);

        // Assert
        Assert.False(parsed);
        Assert.Null(result);
        Assert.NotNull(error);
    }

    [Fact]
    public void Serialize_ThenParse_RoundTrips()
    {
        // Arrange
        Assert.True(RunResultJson.TryParse(ClaudeResults.MaxTurns, out var original, out _));

        // Act
        var json = RunResultJson.Serialize(original!);
        var parsed = RunResultJson.TryParse(json, out var copy, out _);

        // Assert
        Assert.True(parsed);
        Assert.Equal(json, RunResultJson.Serialize(copy!));
        Assert.Contains("\"subtype\":\"error_max_turns\"", json, StringComparison.Ordinal);
        Assert.Contains("\"termination\":\"none\"", json, StringComparison.Ordinal);
    }
}
