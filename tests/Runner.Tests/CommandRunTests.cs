using System.Text;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Specs;

namespace Orchestration.Runner.Tests;

public abstract class CommandRunTests(RunnerImplementation implementation) : IDisposable
{
    private readonly RunnerHarness _harness = new(implementation);

    [Fact]
    public async Task Run_CommandWritingOutputs_UploadsCapturesTarballAndResultLast()
    {
        _harness.WriteSpec(RunnerHarness.CommandSpec(
            "echo hello from $GREETING_NAME; echo warning >&2; mkdir -p output/sub; echo data > output/sub/o.txt") with
        {
            Env = new Dictionary<string, string> { ["GREETING_NAME"] = "the runner" },
            PreCommand = "echo pre-step",
            PostCommand = "echo post-step",
        });

        var outcome = await _harness.RunAsync();

        Assert.Equal(0, outcome.ExitCode);
        var result = _harness.ReadResult();
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Termination.None, result.Termination);
        Assert.Equal(RunnerContract.Version, result.RunnerVersion);
        Assert.NotNull(result.StartedAt);
        Assert.NotNull(result.EndedAt);
        Assert.InRange(result.DurationSeconds!.Value, 0, 30);
        Assert.Equal("pre-step\nhello from the runner\npost-step\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
        Assert.Equal("warning\n", _harness.ReadAttemptObject(RunnerContract.StderrObject));
        Assert.Equal("hello from the runner\n", _harness.ReadAttemptObject(RunnerContract.ResponseObject));
        Assert.Equal(new OutputCapture(41, false), result.Stdout);
        Assert.Equal(new OutputCapture(22, false), result.Response);
        Assert.Equal("data\n", _harness.ReadOutputTar()["sub/o.txt"]);
        Assert.Contains(RunnerContract.ClaimObject, _harness.AttemptObjectNames());
        Assert.Null(result.Claude);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(42)]
    public async Task Run_CommandExitCode_IsRecordedAndRunnerExitsZero(int exitCode)
    {
        _harness.WriteSpec(RunnerHarness.CommandSpec($"echo before; exit {exitCode}"));

        var outcome = await _harness.RunAsync();

        Assert.Equal(0, outcome.ExitCode);
        var result = _harness.ReadResult();
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal(Termination.None, result.Termination);
    }

    [Fact]
    public async Task Run_CommandLeavingAProcessBehind_EndsWithTheCommandNotAtTheLimit()
    {
        // Arrange: the command starts a process that outlives it (holding none of its output); the work's time limit
        // must not wait for that process.
        _harness.WriteSpec(RunnerHarness.CommandSpec("sleep 120 >/dev/null 2>&1 & echo left", timeoutSeconds: 60));

        // Act
        var outcome = await _harness.RunAsync(TimeSpan.FromSeconds(150));

        // Assert: ended with the command (well before the 60 s limit), passed.
        Assert.Equal(0, outcome.ExitCode);
        var result = _harness.ReadResult();
        Assert.Equal(Termination.None, result.Termination);
        Assert.Equal(0, result.ExitCode);
        Assert.InRange(result.DurationSeconds!.Value, 0, 30);
        Assert.Equal("left\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
    }

    [Fact]
    public async Task Run_FailingPreCommand_SkipsCommandAndRecordsItsExitCode()
    {
        _harness.WriteSpec(RunnerHarness.CommandSpec("touch ran") with { PreCommand = "exit 7" });

        await _harness.RunAsync();

        Assert.Equal(7, _harness.ReadResult().ExitCode);
        Assert.False(File.Exists(Path.Combine(_harness.Workspace, "ran")));
        Assert.Contains("preCommand exited 7", _harness.ReadAttemptObject(RunnerContract.StderrObject), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OutputOverCaps_KeepsTailsAndRecordsTruncation()
    {
        var limits = new SpecLimits(StdoutBytes: 1000, ResponseBytes: 500);
        _harness.WriteSpec(RunnerHarness.CommandSpec(
            "for i in $(seq 1 2000); do echo \"line $i\"; echo \"error $i\" >&2; done", limits: limits));

        await _harness.RunAsync();

        var result = _harness.ReadResult();
        var stdout = _harness.ReadAttemptObject(RunnerContract.StdoutObject);
        var stderr = _harness.ReadAttemptObject(RunnerContract.StderrObject);
        var response = _harness.ReadAttemptObject(RunnerContract.ResponseObject);
        var stdoutBytes = Enumerable.Range(1, 2000).Sum(i => $"line {i}\n".Length);
        Assert.Equal(new OutputCapture(stdoutBytes, true), result.Stdout);
        Assert.True(result.Stderr!.Truncated);
        Assert.Equal(new OutputCapture(stdoutBytes, true), result.Response);
        Assert.Equal(1000, stdout.Length);
        Assert.EndsWith("line 1999\nline 2000\n", stdout, StringComparison.Ordinal);
        Assert.EndsWith("error 2000\n", stderr, StringComparison.Ordinal);
        Assert.Equal(500, response.Length);
        Assert.EndsWith("line 2000\n", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FlagFiles_AreCopiedCappedAndEscapesRefused()
    {
        _harness.WriteSpec(RunnerHarness.CommandSpec(
            "mkdir -p output/checks; echo '{\"flagged\": true}' > output/verdict.json; " +
            "head -c 300 /dev/zero | tr '\\0' 'x' > output/checks/big.txt; echo secret-ish > outside.txt; " +
            "ln -s ../outside.txt output/link.txt") with
        {
            FlagFiles = ["verdict.json", "checks/big.txt", "missing.json", "../outside.txt", "link.txt"],
            Limits = new SpecLimits(FlagFileBytes: 100),
        });

        await _harness.RunAsync();

        var files = _harness.ReadResult().Files!;
        Assert.Equal(new CopiedFile("{\"flagged\": true}\n", false), files["verdict.json"]);
        Assert.Equal(new CopiedFile(new string('x', 100), true), files["checks/big.txt"]);
        Assert.False(files.ContainsKey("missing.json"));
        Assert.False(files.ContainsKey("../outside.txt"));
        Assert.False(files.ContainsKey("link.txt"));
        var stderr = _harness.ReadAttemptObject(RunnerContract.StderrObject);
        Assert.Contains("flag file '../outside.txt' refused", stderr, StringComparison.Ordinal);
        Assert.Contains("flag file 'link.txt' refused", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CommandScriptWithQuotesAndLines_RunsFromAFileNotAnArgument()
    {
        var command = "cat <<'EOF'\nit's \"quoted\" $HOME `not run`\nEOF\nprintf '%s\\n' \"$0\"";
        _harness.WriteSpec(RunnerHarness.CommandSpec(command));

        await _harness.RunAsync();

        var stdout = _harness.ReadAttemptObject(RunnerContract.StdoutObject).Split('\n');
        Assert.Equal("it's \"quoted\" $HOME `not run`", stdout[0]);
        Assert.EndsWith("main.sh", stdout[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OutputTarOverCap_IsNotUploadedAndTheRunStillReports()
    {
        _harness.WriteSpec(RunnerHarness.CommandSpec("mkdir -p output; head -c 20000 /dev/urandom > output/noise.bin; echo done") with
        {
            Limits = new SpecLimits(OutputTarBytes: 1000),
        });

        var outcome = await _harness.RunAsync();

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(0, _harness.ReadResult().ExitCode);
        Assert.False(_harness.AttemptObjectExists(RunnerContract.OutputObject));
        Assert.Contains("over the 1000-byte cap", _harness.ReadAttemptObject(RunnerContract.StderrObject), StringComparison.Ordinal);
        Assert.Contains("\"output\":{\"bytes\":", _harness.ReadAttemptObject(RunnerContract.ResultObject), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SpecMissing_ExitsNonZero()
    {
        var outcome = await _harness.RunAsync();

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.False(_harness.AttemptObjectExists(RunnerContract.ResultObject));
        Assert.Contains("could not download", _harness.ReadAttemptObject(RunnerContract.StderrObject), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ResultAlreadyStoredWithOtherBytes_ExitsNonZeroAndKeepsIt()
    {
        // Arrange: another writer's result.json in this attempt's prefix; it cannot be replaced, nor be taken for ours.
        _harness.PutObject("runs/b1/n1/t1/0/a1/result.json", Encoding.UTF8.GetBytes("{\"exitCode\":99}\n"));
        _harness.WriteSpec(RunnerHarness.CommandSpec("echo ok"));

        // Act
        var outcome = await _harness.RunAsync();

        // Assert
        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Equal("{\"exitCode\":99}\n", _harness.ReadAttemptObject(RunnerContract.ResultObject));
        Assert.Equal("ok\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
        Assert.Contains("could not upload result.json", outcome.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _harness.Dispose();

    /// <summary>The cases against runner/runner.sh, and the cases about the gcloud stand-in (its fault injection) that have no native counterpart.</summary>
    public sealed class Script() : CommandRunTests(RunnerImplementation.Script)
    {
        [Fact]
        public async Task Run_ResultUploadFails_ExitsNonZeroWithoutResult()
        {
            _harness.WriteSpec(RunnerHarness.CommandSpec("echo ok"));
            _harness.Environment["GCLOUD_STANDIN_FAIL_MATCH"] = "result\\.json$";

            var outcome = await _harness.RunAsync();

            Assert.NotEqual(0, outcome.ExitCode);
            Assert.False(_harness.AttemptObjectExists(RunnerContract.ResultObject));
            Assert.Contains("could not upload result.json", outcome.Stderr, StringComparison.Ordinal);
        }
    }

    /// <summary>The cases against the native executor.</summary>
    public sealed class Native() : CommandRunTests(RunnerImplementation.Native);
}
