using System.Text.Json;
using Orchestration.Domain.Judging;

namespace Orchestration.Domain.Tests.Judging;

public sealed class JudgeCommandTests
{
    [Fact]
    public void Evaluate_ExitCodeZeroWithDefaultPassCodes_Passed()
    {
        // Arrange
        var result = new RunResult { ExitCode = 0 };

        // Act
        var judgement = Judge.Evaluate(TaskFactory.Command(), result, "ok");

        // Assert
        Assert.Equal(RunOutcome.Passed, judgement.Outcome);
        Assert.Null(judgement.Reason);
    }

    [Fact]
    public void Evaluate_ExitCodeNotInPassCodes_FailedNamingTheCode()
    {
        // Arrange
        var result = new RunResult { ExitCode = 2 };

        // Act
        var judgement = Judge.Evaluate(TaskFactory.Command(passExitCodes: [0, 1]), result, "");

        // Assert
        Assert.Equal(RunOutcome.Failed, judgement.Outcome);
        Assert.Equal("exit code 2 is not a pass exit code (0, 1)", judgement.Reason);
    }

    [Fact]
    public void Evaluate_NonZeroExitCodeListedAsPass_Passed()
    {
        // Act
        var judgement = Judge.Evaluate(TaskFactory.Command(passExitCodes: [0, 3]), new RunResult { ExitCode = 3 }, "");

        // Assert
        Assert.Equal(RunOutcome.Passed, judgement.Outcome);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(143)]
    [InlineData(null)]
    public void Evaluate_TerminationTimeout_TimedOutWhateverTheExitCode(int? exitCode)
    {
        // Arrange
        var result = new RunResult { ExitCode = exitCode, Termination = Termination.Timeout };

        // Act
        var judgement = Judge.Evaluate(TaskFactory.Command(), result, "");

        // Assert
        Assert.Equal(RunOutcome.TimedOut, judgement.Outcome);
        Assert.Equal("the work passed its time limit of 600 s", judgement.Reason);
    }

    [Fact]
    public void Evaluate_TerminationTimeout_ReasonGivesTheWorksLimitAndHowLongItRan()
    {
        // Arrange
        var started = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
        var result = new RunResult { ExitCode = 143, Termination = Termination.Timeout, WorkLimitSeconds = 20, StartedAt = started, EndedAt = started.AddSeconds(20.04) };

        // Act
        var judgement = Judge.Evaluate(TaskFactory.Command() with { TimeoutSeconds = 20 }, result, "");

        // Assert
        Assert.Equal("the work passed its time limit of 20 s (ran 20.0 s)", judgement.Reason);
    }

    [Fact]
    public void Evaluate_TerminationTimeoutWithAShortenedLimit_ReasonGivesTheLimitTheWorkHad()
    {
        // Arrange: the setup outlasted its allowance, so the runner gave the work 12 s of its 20.
        var started = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
        var result = new RunResult { Termination = Termination.Timeout, WorkLimitSeconds = 12, StartedAt = started, EndedAt = started.AddSeconds(12.31) };

        // Act
        var judgement = Judge.Evaluate(TaskFactory.Command() with { TimeoutSeconds = 20 }, result, "");

        // Assert
        Assert.Equal("the work passed its time limit of 12 s (ran 12.3 s)", judgement.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(143)]
    public void Evaluate_TerminationCancel_CancelledWhateverTheExitCode(int exitCode)
    {
        // Act
        var judgement = Judge.Evaluate(TaskFactory.Command(), new RunResult { ExitCode = exitCode, Termination = Termination.Cancel }, "");

        // Assert
        Assert.Equal(RunOutcome.Cancelled, judgement.Outcome);
    }

    [Fact]
    public void Evaluate_NoExitCode_Errored()
    {
        // Act
        var judgement = Judge.Evaluate(TaskFactory.Command(), new RunResult(), null);

        // Assert
        Assert.Equal(RunOutcome.Errored, judgement.Outcome);
    }

    [Fact]
    public void Errored_AfterAllAttempts_CarriesReasonAndFault()
    {
        // Arrange
        var fault = new BatchFault(BatchFaultKind.Authentication, "bad key");

        // Act
        var judgement = Judge.Errored("3 attempts failed: execution failed without result", fault);

        // Assert
        Assert.Equal(RunOutcome.Errored, judgement.Outcome);
        Assert.Equal("3 attempts failed: execution failed without result", judgement.Reason);
        Assert.Same(fault, judgement.BatchFault);
        Assert.Empty(judgement.Flags);
    }

    [Fact]
    public void Judgement_JsonRoundTrip_KeepsEveryField()
    {
        // Arrange
        var judgement = Judge.Errored("auth", new BatchFault(BatchFaultKind.Authentication, "bad key")) with
        {
            Flags = ["a", "b"],
            FlagProblems = ["c: the response is not valid JSON"],
            ResponseTruncated = true,
        };
        var json = JsonSerializer.Serialize(judgement, BatchJson.Options);

        // Act
        var copy = JsonSerializer.Deserialize<Judgement>(json, BatchJson.Options);

        // Assert
        Assert.Contains("\"outcome\":\"errored\"", json, StringComparison.Ordinal);
        Assert.Equal(json, JsonSerializer.Serialize(copy, BatchJson.Options));
    }

    [Fact]
    public void TimedOutAndCancelled_Factories_SetOutcome()
    {
        // Act
        var timedOut = Judge.TimedOut("deadline passed");
        var cancelled = Judge.Cancelled("never launched");

        // Assert
        Assert.Equal((RunOutcome.TimedOut, "deadline passed"), (timedOut.Outcome, timedOut.Reason));
        Assert.Equal((RunOutcome.Cancelled, "never launched"), (cancelled.Outcome, cancelled.Reason));
    }
}
