using Orchestration.Domain.Documents;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Specs;

namespace Orchestration.Runner.Tests;

/// <summary>preCommand and postCommand failures are recorded in result.json and judged alike for command
/// and Claude tasks: a failing preCommand fails the run (not errored, so never retried), a failing
/// postCommand fails a run that would have passed (issue 22, section 5).</summary>
public abstract class PhaseFailureTests(RunnerImplementation implementation) : IDisposable
{
    private readonly RunnerHarness _harness = new(implementation);

    public static TheoryData<TaskKind> Kinds => new() { TaskKind.Command, TaskKind.Claude };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Run_FailingPreCommand_RecordedAndJudgedFailedForBothKinds(TaskKind kind)
    {
        // Arrange
        var marker = Path.Combine(_harness.Root, "claude-ran.txt");
        _harness.Environment["CLAUDE_STANDIN_PROMPT_FILE"] = marker;
        _harness.WriteSpec(Spec(kind) with { PreCommand = "echo preparing; exit 7", PostCommand = "echo cleaning up" });

        // Act
        var outcome = await _harness.RunAsync();

        // Assert
        Assert.Equal(0, outcome.ExitCode);
        var result = _harness.ReadResult();
        Assert.Equal(7, result.PreCommandExitCode);
        Assert.Equal(0, result.PostCommandExitCode);
        Assert.Equal(Termination.None, result.Termination);
        Assert.False(File.Exists(Path.Combine(_harness.Workspace, "main-ran")));
        Assert.False(File.Exists(marker), "claude ran although the preCommand failed");
        var judgement = Judge.Evaluate(JudgedTasks.Of(kind, maxAttempts: 3), result, _harness.ReadAttemptObject(RunnerContract.ResponseObject));
        Assert.Equal(RunOutcome.Failed, judgement.Outcome);
        Assert.Equal(kind == TaskKind.Claude ? "preCommand exited 7; Claude did not run" : "preCommand exited 7; the command did not run", judgement.Reason);
        Assert.Null(judgement.BatchFault);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Run_FailingPostCommandAfterAPassingMainPhase_RecordedAndJudgedFailedForBothKinds(TaskKind kind)
    {
        // Arrange
        _harness.WriteSpec(Spec(kind) with { PreCommand = "true", PostCommand = "echo checking >&2; exit 3" });

        // Act
        var outcome = await _harness.RunAsync();

        // Assert
        Assert.Equal(0, outcome.ExitCode);
        var result = _harness.ReadResult();
        Assert.Equal(0, result.PreCommandExitCode);
        Assert.Equal(3, result.PostCommandExitCode);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("postCommand exited 3", _harness.ReadAttemptObject(RunnerContract.StderrObject), StringComparison.Ordinal);
        var judgement = Judge.Evaluate(JudgedTasks.Of(kind, maxAttempts: 3), result, _harness.ReadAttemptObject(RunnerContract.ResponseObject));
        Assert.Equal(RunOutcome.Failed, judgement.Outcome);
        Assert.Equal("postCommand exited 3", judgement.Reason);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Run_PassingPreAndPostCommands_RecordedAndPassedForBothKinds(TaskKind kind)
    {
        // Arrange
        _harness.WriteSpec(Spec(kind) with { PreCommand = "true", PostCommand = "true" });

        // Act
        await _harness.RunAsync();

        // Assert
        var result = _harness.ReadResult();
        Assert.Equal((0, 0), (result.PreCommandExitCode, result.PostCommandExitCode));
        Assert.Equal(RunOutcome.Passed, Judge.Evaluate(JudgedTasks.Of(kind, maxAttempts: 3), result, _harness.ReadAttemptObject(RunnerContract.ResponseObject)).Outcome);
    }

    [Fact]
    public async Task Run_NoPreOrPostCommand_TheirExitCodesAreNull()
    {
        // Arrange
        _harness.WriteSpec(Spec(TaskKind.Command));

        // Act
        await _harness.RunAsync();

        // Assert
        var result = _harness.ReadResult();
        Assert.Null(result.PreCommandExitCode);
        Assert.Null(result.PostCommandExitCode);
        Assert.Equal(60, result.WorkLimitSeconds);
    }

    public void Dispose() => _harness.Dispose();

    private static RunSpec Spec(TaskKind kind) => kind == TaskKind.Claude
        ? RunnerHarness.ClaudeSpec("Say hello.")
        : RunnerHarness.CommandSpec("touch main-ran; echo hello");

    /// <summary>The cases against runner/runner.sh.</summary>
    public sealed class Script() : PhaseFailureTests(RunnerImplementation.Script);

    /// <summary>The cases against the native executor.</summary>
    public sealed class Native() : PhaseFailureTests(RunnerImplementation.Native);
}
