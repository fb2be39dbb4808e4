using Orchestration.Domain.Documents;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Rejudging;
using TaskFactory = Orchestration.Domain.Tests.Judging.TaskFactory;

namespace Orchestration.Domain.Tests.Rejudging;

/// <summary>Which stored captures a rejudge can decide a rule from: complete streams and copied files, yes; a
/// stream cut at the runner's capture cap or a file not (fully) copied, no, with the reason.</summary>
public sealed class RejudgeCheckTests
{
    private static readonly RunResult Complete = new()
    {
        ExitCode = 0,
        Response = new OutputCapture(10, Truncated: false),
        Stdout = new OutputCapture(10, Truncated: false),
        Stderr = new OutputCapture(5_000_000, Truncated: true),
        Files = new Dictionary<string, CopiedFile> { ["verdict.json"] = new("{\"flagged\": true}", Truncated: false), ["big.json"] = new("{", Truncated: true) },
    };

    [Theory]
    [InlineData("""{"contains": "x"}""", null)]
    [InlineData("""{"regex": "x", "stream": "stdout"}""", null)]
    [InlineData("""{"verdictFile": "verdict.json"}""", null)]
    [InlineData("""{"jsonPath": "$.a", "equals": 1, "file": "verdict.json"}""", null)]
    [InlineData("""{"contains": "x", "stream": "stderr"}""", "flag 'f' reads the stderr, which the runner kept only in part (5000000 bytes produced, over its capture cap)")]
    [InlineData("""{"verdictFile": "other.json"}""", "flag 'f' reads the file 'other.json', which the runner did not copy (the rules the batch ran with did not name it)")]
    [InlineData("""{"jsonPath": "$.a", "equals": 1, "file": "big.json"}""", "flag 'f' reads the file 'big.json', which the runner copied only in part")]
    public void Unjudgeable_RuleAgainstWhatWasKept_ReasonOnlyWhenTheCaptureIsIncomplete(string rule, string? reason)
    {
        // Arrange
        var task = TaskFactory.Command(new Dictionary<string, FlagRule> { ["f"] = System.Text.Json.JsonSerializer.Deserialize<FlagRule>(rule, BatchJson.Options)! });

        // Act / Assert
        Assert.Equal(reason, RejudgeCheck.Unjudgeable(task, Complete));
    }

    [Fact]
    public void Unjudgeable_ResponseCutAtTheCap_NotRejudgeableOnlyForRulesThatReadIt()
    {
        var cut = Complete with { Response = new OutputCapture(9_000_000, Truncated: true) };

        Assert.NotNull(RejudgeCheck.Unjudgeable(TaskFactory.Command(new Dictionary<string, FlagRule> { ["f"] = new() { Contains = "x" } }), cut));
        Assert.Null(RejudgeCheck.Unjudgeable(TaskFactory.Command(new Dictionary<string, FlagRule> { ["f"] = new() { Contains = "x", Stream = FlagStream.Stdout } }), cut));
        Assert.Null(RejudgeCheck.Unjudgeable(TaskFactory.Command(), cut));
    }
}
