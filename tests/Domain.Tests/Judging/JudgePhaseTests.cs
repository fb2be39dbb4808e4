using Orchestration.Domain.Documents;
using Orchestration.Domain.Judging;

namespace Orchestration.Domain.Tests.Judging;

/// <summary>preCommand and postCommand are judged the same for command and Claude tasks.</summary>
public sealed class JudgePhaseTests
{
    public static TheoryData<TaskKind> Kinds => new() { TaskKind.Command, TaskKind.Claude };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Evaluate_FailingPreCommand_FailedNotErrored(TaskKind kind)
    {
        // Arrange: what the runner writes when the preCommand fails: its code, no main phase, no summary.
        var result = new RunResult { ExitCode = 7, PreCommandExitCode = 7, Claude = kind == TaskKind.Claude ? new ClaudeRun("2.0.0", "claude-sonnet-4-5", null) : null };

        // Act
        var judgement = Judge.Evaluate(Task(kind), result, "");

        // Assert
        Assert.Equal(RunOutcome.Failed, judgement.Outcome);
        Assert.Equal(kind == TaskKind.Claude ? "preCommand exited 7; Claude did not run" : "preCommand exited 7; the command did not run", judgement.Reason);
        Assert.Null(judgement.BatchFault);
    }

    [Fact]
    public void Evaluate_FailingPreCommandWhoseCodeIsAPassCode_StillFailed()
    {
        // Act
        var judgement = Judge.Evaluate(TaskFactory.Command(passExitCodes: [0, 1]), new RunResult { ExitCode = 1, PreCommandExitCode = 1 }, "");

        // Assert
        Assert.Equal(RunOutcome.Failed, judgement.Outcome);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Evaluate_FailingPostCommandAfterAPass_Failed(TaskKind kind)
    {
        // Act
        var judgement = Judge.Evaluate(Task(kind), Passing(kind) with { PreCommandExitCode = 0, PostCommandExitCode = 3 }, "ok");

        // Assert
        Assert.Equal(RunOutcome.Failed, judgement.Outcome);
        Assert.Equal("postCommand exited 3", judgement.Reason);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Evaluate_PassingPreAndPostCommands_Passed(TaskKind kind)
    {
        // Act
        var judgement = Judge.Evaluate(Task(kind), Passing(kind) with { PreCommandExitCode = 0, PostCommandExitCode = 0 }, "ok");

        // Assert
        Assert.Equal(RunOutcome.Passed, judgement.Outcome);
        Assert.Null(judgement.Reason);
    }

    [Fact]
    public void Evaluate_FailingPostCommandAfterAFailedCommand_FailedWithBothReasons()
    {
        // Act
        var judgement = Judge.Evaluate(TaskFactory.Command(), new RunResult { ExitCode = 2, PostCommandExitCode = 4 }, "");

        // Assert
        Assert.Equal(RunOutcome.Failed, judgement.Outcome);
        Assert.Equal("exit code 2 is not a pass exit code (0); postCommand exited 4", judgement.Reason);
    }

    [Fact]
    public void Evaluate_FailingPreAndPostCommands_FailedWithBothReasons()
    {
        // Act
        var judgement = Judge.Evaluate(TaskFactory.Claude(), new RunResult { ExitCode = 7, PreCommandExitCode = 7, PostCommandExitCode = 1 }, "");

        // Assert
        Assert.Equal(RunOutcome.Failed, judgement.Outcome);
        Assert.Equal("preCommand exited 7; Claude did not run; postCommand exited 1", judgement.Reason);
    }

    [Fact]
    public void Evaluate_FailingPostCommandAfterAnUnavailableApi_StaysErroredSoTheAttemptIsRetried()
    {
        // Arrange
        var summary = new ClaudeSummary { Subtype = "error_during_execution", IsError = true, Result = "API Error: 529 overloaded" };

        // Act
        var judgement = Judge.Evaluate(TaskFactory.Claude(), new RunResult { ExitCode = 1, PostCommandExitCode = 1, Claude = new ClaudeRun("2.0.0", "claude-sonnet-4-5", summary) }, null);

        // Assert
        Assert.Equal(RunOutcome.Errored, judgement.Outcome);
        Assert.EndsWith("; postCommand exited 1", judgement.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Evaluate_TimeoutWithFailingPhases_TimedOut(TaskKind kind)
    {
        // Act
        var judgement = Judge.Evaluate(Task(kind), new RunResult { Termination = Termination.Timeout, PreCommandExitCode = 1, PostCommandExitCode = 1 }, "");

        // Assert
        Assert.Equal(RunOutcome.TimedOut, judgement.Outcome);
    }

    private static BatchTask Task(TaskKind kind) => kind == TaskKind.Claude ? TaskFactory.Claude() : TaskFactory.Command();

    private static RunResult Passing(TaskKind kind) => kind == TaskKind.Claude
        ? new RunResult { ExitCode = 0, Claude = new ClaudeRun("2.0.0", "claude-sonnet-4-5", new ClaudeSummary { Subtype = "success", IsError = false, Result = "ok" }) }
        : new RunResult { ExitCode = 0 };
}
