using Orchestration.Domain.Judging;

namespace Orchestration.Domain.Tests.Judging;

public sealed class JudgeClaudeTests
{
    private static Judgement JudgeGolden(string json)
    {
        Assert.True(RunResultJson.TryParse(json, out var result, out var error), error);
        return Judge.Evaluate(TaskFactory.Claude(), result!, response: null);
    }

    [Fact]
    public void Evaluate_SuccessSummary_Passed()
    {
        // Act
        var judgement = JudgeGolden(ClaudeResults.Success);

        // Assert
        Assert.Equal(RunOutcome.Passed, judgement.Outcome);
        Assert.Null(judgement.Reason);
        Assert.Null(judgement.BatchFault);
    }

    [Fact]
    public void Evaluate_MaxTurnsSummary_FailedWithTurnLimitReason()
    {
        // Act
        var judgement = JudgeGolden(ClaudeResults.MaxTurns);

        // Assert
        Assert.Equal(RunOutcome.Failed, judgement.Outcome);
        Assert.Equal("Claude reached its turn limit (101 turns)", judgement.Reason);
        Assert.Null(judgement.BatchFault);
    }

    [Fact]
    public void Evaluate_BudgetSummary_FailedWithBudgetReason()
    {
        // Act
        var judgement = JudgeGolden(ClaudeResults.Budget);

        // Assert
        Assert.Equal(RunOutcome.Failed, judgement.Outcome);
        Assert.Equal("Claude reached its budget limit (error_max_budget_usd, 0.5071 USD)", judgement.Reason);
    }

    [Theory]
    [InlineData(nameof(ClaudeResults.Overloaded), "API Error: 529")]
    [InlineData(nameof(ClaudeResults.ServerError500), "API Error: 500")]
    [InlineData(nameof(ClaudeResults.RateLimited429), "API Error: 429")]
    public void Evaluate_ApiUnavailable_ErroredWithoutBatchFault(string golden, string quoted)
    {
        // Act
        var judgement = JudgeGolden(Golden(golden));

        // Assert
        Assert.Equal(RunOutcome.Errored, judgement.Outcome);
        Assert.StartsWith("the Claude API was unavailable: " + quoted, judgement.Reason, StringComparison.Ordinal);
        Assert.Null(judgement.BatchFault);
    }

    [Theory]
    [InlineData(nameof(ClaudeResults.InvalidApiKey))]
    [InlineData(nameof(ClaudeResults.Authentication401))]
    public void Evaluate_AuthenticationFailure_ErroredWithAuthenticationFault(string golden)
    {
        // Act
        var judgement = JudgeGolden(Golden(golden));

        // Assert
        Assert.Equal(RunOutcome.Errored, judgement.Outcome);
        Assert.Equal(BatchFaultKind.Authentication, judgement.BatchFault?.Kind);
        Assert.StartsWith("Claude could not authenticate: ", judgement.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_InvalidApiKey_ReasonQuotesClaude()
    {
        // Act
        var judgement = JudgeGolden(ClaudeResults.InvalidApiKey);

        // Assert
        Assert.Equal("Claude could not authenticate: Invalid API key · Please run /login", judgement.Reason);
    }

    [Fact]
    public void Evaluate_CreditBalanceTooLow_ErroredWithBillingFault()
    {
        // Act
        var judgement = JudgeGolden(ClaudeResults.CreditBalance);

        // Assert
        Assert.Equal(RunOutcome.Errored, judgement.Outcome);
        Assert.Equal(BatchFaultKind.Billing, judgement.BatchFault?.Kind);
    }

    [Fact]
    public void Evaluate_ErrorDuringExecution_Errored()
    {
        // Act
        var judgement = JudgeGolden(ClaudeResults.DuringExecution);

        // Assert
        Assert.Equal(RunOutcome.Errored, judgement.Outcome);
        Assert.Null(judgement.BatchFault);
    }

    [Fact]
    public void Evaluate_ErrorDuringExecutionWithErrors_ReasonQuotesEachError()
    {
        // Act
        var judgement = JudgeGolden(ClaudeResults.DuringExecutionWithErrors);

        // Assert
        Assert.Equal(RunOutcome.Errored, judgement.Outcome);
        Assert.Equal(
            "Claude Code failed during execution: Error: ENOENT: no such file or directory, open '/workspace/input/repo/package.json'; Tool Bash failed: exit 2",
            judgement.Reason);
    }

    [Fact]
    public void Evaluate_MaxTurnsWithErrors_ReasonAddsTheDetails()
    {
        // Act
        var judgement = JudgeGolden(ClaudeResults.MaxTurnsWithErrors);

        // Assert
        Assert.Equal(RunOutcome.Failed, judgement.Outcome);
        Assert.Equal("Claude reached its turn limit (4 turns): Reached maximum number of turns (3)", judgement.Reason);
    }

    [Fact]
    public void Evaluate_ErrorsNamingAnOverloadedApi_ErroredAsUnavailable()
    {
        // Act
        var judgement = JudgeGolden(ClaudeResults.DuringExecutionOverloaded);

        // Assert
        Assert.Equal(RunOutcome.Errored, judgement.Outcome);
        Assert.StartsWith("the Claude API was unavailable: API Error: 529", judgement.Reason, StringComparison.Ordinal);
        Assert.Null(judgement.BatchFault);
    }

    [Fact]
    public void Evaluate_ErrorsHoldingCredentials_RedactedInTheReason()
    {
        // Arrange
        var result = new RunResult
        {
            ExitCode = 1,
            Claude = new ClaudeRun("2.1.330", "m", new ClaudeSummary
            {
                Subtype = "error_during_execution",
                Errors = ["curl -H 'x-api-key: sk-ant-api03-AbC_dEf-123' failed", "push with ghp_0123456789abcdefghijABCDEFGHIJ refused"],
            }),
        };

        // Act
        var judgement = Judge.Evaluate(TaskFactory.Claude(), result, null);

        // Assert
        Assert.Equal("Claude Code failed during execution: curl -H 'x-api-key: [REDACTED]' failed; push with [REDACTED] refused", judgement.Reason);
    }

    [Fact]
    public void Evaluate_ManyLongErrors_ReasonIsCapped()
    {
        // Arrange
        var result = new RunResult
        {
            ExitCode = 1,
            Claude = new ClaudeRun("2.1.330", "m", new ClaudeSummary
            {
                Subtype = "error_max_structured_output_retries",
                Errors = [.. Enumerable.Range(0, 500).Select(i => $"attempt {i}: " + new string('y', 1000))],
            }),
        };

        // Act
        var judgement = Judge.Evaluate(TaskFactory.Claude(), result, null, new JudgeOptions { MaxQuotedErrorChars = 40 });

        // Assert
        Assert.Equal(RunOutcome.Failed, judgement.Outcome);
        Assert.Equal("Claude reported an error (error_max_structured_output_retries): attempt 0: " + new string('y', 29) + "…", judgement.Reason);
    }

    [Fact]
    public void Evaluate_UnclassifiedClaudeError_FailedQuotingTheError()
    {
        // Act
        var judgement = JudgeGolden(ClaudeResults.PromptTooLong);

        // Assert
        Assert.Equal(RunOutcome.Failed, judgement.Outcome);
        Assert.Equal("Claude reported an error (success): Prompt is too long", judgement.Reason);
    }

    [Fact]
    public void Evaluate_ClaudeRanWithoutSummary_Errored()
    {
        // Act
        var judgement = JudgeGolden(ClaudeResults.NoSummary);

        // Assert
        Assert.Equal(RunOutcome.Errored, judgement.Outcome);
        Assert.Equal("Claude wrote no summary (exit code 137)", judgement.Reason);
    }

    [Fact]
    public void Evaluate_LongErrorText_ReasonQuoteIsCapped()
    {
        // Arrange
        var result = new RunResult
        {
            ExitCode = 1,
            Claude = new ClaudeRun("2.0.37", "m", new ClaudeSummary { Subtype = "success", IsError = true, Result = new string('x', 5000) }),
        };

        // Act
        var judgement = Judge.Evaluate(TaskFactory.Claude(), result, null, new JudgeOptions { MaxQuotedErrorChars = 50 });

        // Assert
        Assert.Equal("Claude reported an error (success): " + new string('x', 50) + "…", judgement.Reason);
    }

    [Theory]
    [InlineData(Termination.Timeout, RunOutcome.TimedOut)]
    [InlineData(Termination.Cancel, RunOutcome.Cancelled)]
    public void Evaluate_ClaudeSuccessButTerminated_TerminationWins(Termination termination, RunOutcome expected)
    {
        // Arrange
        Assert.True(RunResultJson.TryParse(ClaudeResults.Success, out var result, out _));

        // Act
        var judgement = Judge.Evaluate(TaskFactory.Claude(), result! with { Termination = termination }, null);

        // Assert
        Assert.Equal(expected, judgement.Outcome);
    }

    [Fact]
    public void Evaluate_ClaudeWithoutResponseFile_FlagsReadSummaryResult()
    {
        // Arrange
        var task = TaskFactory.Claude(new Dictionary<string, Documents.FlagRule> { ["vuln"] = new() { Contains = "VULNERABILITY" } });
        Assert.True(RunResultJson.TryParse(ClaudeResults.Success, out var result, out _));

        // Act
        var judgement = Judge.Evaluate(task, result!, response: null);

        // Assert
        Assert.Equal(["vuln"], judgement.Flags);
    }

    private static string Golden(string name) =>
        (string)typeof(ClaudeResults).GetField(name)!.GetValue(null)!;
}
