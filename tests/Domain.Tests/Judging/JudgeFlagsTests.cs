using System.Text.Json;
using Orchestration.Domain.Documents;
using Orchestration.Domain.Judging;

namespace Orchestration.Domain.Tests.Judging;

public sealed class JudgeFlagsTests
{
    private static Judgement Run(FlagRule rule, string? response, RunResult? result = null, JudgeOptions? options = null) =>
        Judge.Evaluate(
            TaskFactory.Command(new Dictionary<string, FlagRule> { ["f"] = rule }),
            result ?? new RunResult { ExitCode = 0 },
            response,
            options);

    private static Judgement RunStreams(FlagRule rule, RunTexts texts, JudgeOptions? options = null) =>
        Judge.EvaluateCaptured(TaskFactory.Command(new Dictionary<string, FlagRule> { ["f"] = rule }), new RunResult { ExitCode = 0 }, texts, options);

    [Theory]
    [InlineData(null, "in response", true)]
    [InlineData(FlagStream.Response, "in response", true)]
    [InlineData(FlagStream.Stdout, "in stdout", true)]
    [InlineData(FlagStream.Stderr, "in stderr", true)]
    [InlineData(FlagStream.Stderr, "in response", false)]
    [InlineData(FlagStream.Stdout, "in stderr", false)]
    public void Evaluate_ContainsRuleWithStream_ReadsOnlyThatStream(FlagStream? stream, string needle, bool expected)
    {
        // Arrange
        var texts = new RunTexts("text in response", "text in stdout", "text in stderr");

        // Act
        var judgement = RunStreams(new FlagRule { Contains = needle, Stream = stream }, texts);

        // Assert
        Assert.Equal(expected, judgement.Flags.Contains("f"));
    }

    [Fact]
    public void Evaluate_RegexAndJsonPathOnStderr_ReadStderr()
    {
        // Arrange
        var texts = new RunTexts("{\"flagged\": false}", Stderr: "{\"flagged\": true}");
        var task = TaskFactory.Command(new Dictionary<string, FlagRule>
        {
            ["re"] = new() { Regex = "^\\{\"flagged\": true", Stream = FlagStream.Stderr },
            ["jp"] = new() { JsonPath = "$.flagged", EqualTo = Json("true"), Stream = FlagStream.Stderr },
            ["resp"] = new() { JsonPath = "$.flagged", EqualTo = Json("true") },
        });

        // Act
        var judgement = Judge.EvaluateCaptured(task, new RunResult { ExitCode = 0 }, texts);

        // Assert
        Assert.Equal(["jp", "re"], judgement.Flags);
    }

    [Fact]
    public void Evaluate_StderrOverCap_ReadsOnlyTheCap()
    {
        // Arrange: the marker sits past the cap, so the rule must not see it.
        var options = new JudgeOptions { MaxResponseBytes = 16 };
        var texts = new RunTexts("", Stderr: new string('x', 32) + "MARKER");

        // Act
        var judgement = RunStreams(new FlagRule { Contains = "marker", Stream = FlagStream.Stderr }, texts, options);

        // Assert
        Assert.Empty(judgement.Flags);
    }

    [Fact]
    public void Evaluate_StderrNotJson_ProblemNamesStderr()
    {
        // Act
        var judgement = RunStreams(new FlagRule { JsonPath = "$.x", EqualTo = Json("1"), Stream = FlagStream.Stderr }, new RunTexts("{}", Stderr: "oops"));

        // Assert
        Assert.Equal(["f: stderr is not valid JSON"], judgement.FlagProblems);
    }

    [Fact]
    public void Reads_RulesByStream_OnlyTheStreamsRead()
    {
        // Arrange
        var task = TaskFactory.Command(new Dictionary<string, FlagRule>
        {
            ["a"] = new() { Contains = "x", Stream = FlagStream.Stderr },
            ["b"] = new() { VerdictFile = "v.json" },
        });

        // Act / Assert
        Assert.True(Judge.Reads(task, FlagStream.Stderr));
        Assert.False(Judge.Reads(task, FlagStream.Stdout));
        Assert.False(Judge.Reads(task, FlagStream.Response));
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Theory]
    [InlineData("Found a VULNERABILITY here", true)]
    [InlineData("found a vulnerability here", true)]
    [InlineData("all clear", false)]
    public void Evaluate_ContainsRule_MatchesCaseInsensitively(string response, bool expected)
    {
        // Act
        var judgement = Run(new FlagRule { Contains = "Vulnerability" }, response);

        // Assert
        Assert.Equal(expected, judgement.Flags.Contains("f"));
    }

    [Fact]
    public void Evaluate_ContainsRuleWithDotlessI_UsesOrdinalNotCultureRules()
    {
        // Act: under Turkish culture rules "ı" could be folded; ordinal ignore-case must not.
        var judgement = Run(new FlagRule { Contains = "fail" }, "faıl");

        // Assert
        Assert.Empty(judgement.Flags);
    }

    [Theory]
    [InlineData("test FLAKY once", true)]
    [InlineData("TIMEOUT", true)]
    [InlineData("flaky", false)]
    public void Evaluate_RegexRule_MatchesPattern(string response, bool expected)
    {
        // Act
        var judgement = Run(new FlagRule { Regex = "FLAKY|TIMEOUT" }, response);

        // Assert
        Assert.Equal(expected, judgement.Flags.Contains("f"));
    }

    [Fact]
    public void Evaluate_InvalidRegex_NotFlaggedWithProblem()
    {
        // Act
        var judgement = Run(new FlagRule { Regex = "(unclosed" }, "(unclosed");

        // Assert
        Assert.Empty(judgement.Flags);
        Assert.Single(judgement.FlagProblems, p => p.StartsWith("f: the regex is not valid", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_FlagsOnFailedRun_StillFire()
    {
        // Act
        var judgement = Run(new FlagRule { Contains = "boom" }, "boom", new RunResult { ExitCode = 1 });

        // Assert
        Assert.Equal(RunOutcome.Failed, judgement.Outcome);
        Assert.Equal(["f"], judgement.Flags);
    }

    [Fact]
    public void Evaluate_SeveralRules_FiredNamesInOrdinalOrder()
    {
        // Arrange
        var rules = new Dictionary<string, FlagRule>
        {
            ["zeta"] = new() { Contains = "a" },
            ["Alpha"] = new() { Contains = "a" },
            ["beta"] = new() { Contains = "nope" },
            ["alpha"] = new() { Regex = "a+" },
        };

        // Act
        var judgement = Judge.Evaluate(TaskFactory.Command(rules), new RunResult { ExitCode = 0 }, "aaa");

        // Assert
        Assert.Equal(["Alpha", "alpha", "zeta"], judgement.Flags);
    }

    [Fact]
    public void Evaluate_ResponseOverCap_TextRulesSeeOnlyTheCapAndTruncationRecorded()
    {
        // Arrange
        var response = new string('a', 100) + "NEEDLE";
        var options = new JudgeOptions { MaxResponseBytes = 100 };

        // Act
        var judgement = Run(new FlagRule { Contains = "needle" }, response, options: options);

        // Assert
        Assert.Empty(judgement.Flags);
        Assert.True(judgement.ResponseTruncated);
    }

    [Theory]
    [InlineData("ééé", true)]
    [InlineData("éééé", false)]
    [InlineData("é😀", false)]
    public void Evaluate_MultiByteResponseOverCap_CutsAtCharacterBoundary(string needle, bool expected)
    {
        // Arrange: 2-byte "é" three times then a 4-byte emoji; a 7-byte cap keeps "ééé" only.
        var options = new JudgeOptions { MaxResponseBytes = 7 };

        // Act
        var judgement = Run(new FlagRule { Contains = needle }, "éééé😀", options: options);

        // Assert
        Assert.Equal(expected, judgement.Flags.Contains("f"));
        Assert.True(judgement.ResponseTruncated);
    }

    [Fact]
    public void Evaluate_SurrogatePairAtCap_NotSplit()
    {
        // Act: "a" + emoji is 5 bytes; a 4-byte cap must drop the whole emoji, never half of it.
        var judgement = Run(new FlagRule { Regex = "\\uFFFD|\\uD83D" }, "a😀", options: new JudgeOptions { MaxResponseBytes = 4 });

        // Assert
        Assert.Empty(judgement.Flags);
        Assert.True(judgement.ResponseTruncated);
    }

    [Fact]
    public void Evaluate_ResponseWithinCap_NotTruncated()
    {
        // Act
        var judgement = Run(new FlagRule { Contains = "needle" }, "a needle", options: new JudgeOptions { MaxResponseBytes = 8 });

        // Assert
        Assert.Equal(["f"], judgement.Flags);
        Assert.False(judgement.ResponseTruncated);
    }

    [Fact]
    public void Evaluate_RunnerTruncatedResponse_TruncationRecorded()
    {
        // Arrange
        var result = new RunResult { ExitCode = 0, Response = new OutputCapture(5_000_000, Truncated: true) };

        // Act
        var judgement = Run(new FlagRule { Contains = "x" }, "short", result);

        // Assert
        Assert.True(judgement.ResponseTruncated);
    }

    [Fact]
    public void Evaluate_VerdictFileFlaggedTrue_Fires()
    {
        // Arrange
        var result = WithFile("verdict.json", """{"flagged": true, "why": "xss"}""");

        // Act
        var judgement = Run(new FlagRule { VerdictFile = "verdict.json" }, "", result);

        // Assert
        Assert.Equal(["f"], judgement.Flags);
        Assert.Empty(judgement.FlagProblems);
    }

    [Theory]
    [InlineData("""{"flagged": false}""")]
    [InlineData("""{"flagged": "true"}""")]
    [InlineData("""[true]""")]
    public void Evaluate_VerdictFileNotFlaggedTrue_DoesNotFire(string content)
    {
        // Act
        var judgement = Run(new FlagRule { VerdictFile = "verdict.json" }, "", WithFile("verdict.json", content));

        // Assert
        Assert.Empty(judgement.Flags);
    }

    [Fact]
    public void Evaluate_VerdictFileMissing_ProblemRecorded()
    {
        // Act
        var judgement = Run(new FlagRule { VerdictFile = "verdict.json" }, "{\"flagged\": true}");

        // Assert
        Assert.Empty(judgement.Flags);
        Assert.Equal(["f: the file 'verdict.json' was not copied into result.json"], judgement.FlagProblems);
    }

    [Fact]
    public void Evaluate_VerdictFileTruncatedByRunner_ProblemSaysTruncated()
    {
        // Arrange
        var result = new RunResult
        {
            ExitCode = 0,
            Files = new Dictionary<string, CopiedFile> { ["v.json"] = new("{\"flagged\": tr", Truncated: true) },
        };

        // Act
        var judgement = Run(new FlagRule { VerdictFile = "v.json" }, "", result);

        // Assert
        Assert.Equal(["f: the file 'v.json' was truncated by the runner and is not valid JSON"], judgement.FlagProblems);
    }

    [Theory]
    [InlineData("""{"flagged": true}""", "true", true)]
    [InlineData("""{"flagged": false}""", "true", false)]
    [InlineData("""{"score": 3.0}""", "3", true)]
    [InlineData("""{"label": "unsafe"}""", "\"unsafe\"", true)]
    [InlineData("""{"label": "UNSAFE"}""", "\"unsafe\"", false)]
    [InlineData("""{"other": 1}""", "true", false)]
    public void Evaluate_JsonPathOverResponse_FiresWhenValueEquals(string response, string equals, bool expected)
    {
        // Arrange
        var path = response.Contains("score", StringComparison.Ordinal) ? "$.score"
            : response.Contains("label", StringComparison.Ordinal) ? "$.label" : "$.flagged";

        // Act
        var judgement = Run(new FlagRule { JsonPath = path, EqualTo = Json(equals) }, response);

        // Assert
        Assert.Equal(expected, judgement.Flags.Contains("f"));
    }

    [Fact]
    public void Evaluate_JsonPathObjectEquals_ComparesDeeply()
    {
        // Act
        var judgement = Run(
            new FlagRule { JsonPath = "$.findings[0]", EqualTo = Json("""{"b": [1, 2], "a": "x"}""") },
            """{"findings": [{"a": "x", "b": [1, 2]}]}""");

        // Assert
        Assert.Equal(["f"], judgement.Flags);
    }

    [Fact]
    public void Evaluate_JsonPathOverNamedFile_ReadsTheFile()
    {
        // Arrange
        var result = WithFile("report.json", """{"summary": {"critical": 2}}""");

        // Act
        var judgement = Run(new FlagRule { JsonPath = "$.summary.critical", EqualTo = Json("2"), File = "report.json" }, "not json", result);

        // Assert
        Assert.Equal(["f"], judgement.Flags);
    }

    [Fact]
    public void Evaluate_JsonPathOverNonJsonResponse_ProblemRecorded()
    {
        // Act
        var judgement = Run(new FlagRule { JsonPath = "$.flagged", EqualTo = Json("true") }, "I think it is flagged");

        // Assert
        Assert.Empty(judgement.Flags);
        Assert.Equal(["f: the response is not valid JSON"], judgement.FlagProblems);
    }

    [Fact]
    public void Evaluate_JsonPathEqualsNull_MatchesJsonNull()
    {
        // Act
        var judgement = Run(new FlagRule { JsonPath = "$.error", EqualTo = null }, """{"error": null}""");

        // Assert
        Assert.Equal(["f"], judgement.Flags);
    }

    private static RunResult WithFile(string name, string content) => new()
    {
        ExitCode = 0,
        Files = new Dictionary<string, CopiedFile> { [name] = new(content, Truncated: false) },
    };
}
