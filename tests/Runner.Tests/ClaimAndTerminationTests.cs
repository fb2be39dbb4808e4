using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Specs;

namespace Orchestration.Runner.Tests;

public abstract class ClaimAndTerminationTests(RunnerImplementation implementation) : IDisposable
{
    private readonly RunnerHarness _harness = new(implementation);

    [Fact]
    public async Task Run_FreshAttempt_ClaimNamesThisExecution()
    {
        _harness.WriteSpec(RunnerHarness.CommandSpec("true"));

        await _harness.RunAsync();

        using var claim = JsonDocument.Parse(_harness.ReadAttemptObject(RunnerContract.ClaimObject));
        Assert.Equal(RunnerHarness.Execution, claim.RootElement.GetProperty("execution").GetString());
        Assert.True(claim.RootElement.GetProperty("startedAt").TryGetDateTimeOffset(out _));
    }

    [Fact]
    public async Task Run_ClaimHeldByAnotherExecution_ExitsZeroAndWritesNothing()
    {
        var claim = "{\"execution\":\"jobs/runner-abc/executions/other\",\"startedAt\":\"2026-01-01T00:00:00Z\"}";
        _harness.PutObject("runs/b1/n1/t1/0/a1/claim", Encoding.UTF8.GetBytes(claim));
        _harness.WriteSpec(RunnerHarness.CommandSpec("touch ran"));

        var outcome = await _harness.RunAsync();

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal([RunnerContract.ClaimObject], _harness.AttemptObjectNames());
        Assert.Equal(claim, _harness.ReadAttemptObject(RunnerContract.ClaimObject));
        Assert.False(File.Exists(Path.Combine(_harness.Workspace, "ran")));
        Assert.Contains("duplicate", outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ClaimAlreadyNamingThisExecution_ProceedsAsARetriedUpload()
    {
        var claim = $"{{\"execution\":\"{RunnerHarness.Execution}\",\"startedAt\":\"2026-01-01T00:00:00Z\"}}";
        _harness.PutObject("runs/b1/n1/t1/0/a1/claim", Encoding.UTF8.GetBytes(claim));
        _harness.WriteSpec(RunnerHarness.CommandSpec("echo ran"));

        var outcome = await _harness.RunAsync();

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(Termination.None, _harness.ReadResult().Termination);
        Assert.Equal("ran\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
    }

    [Fact]
    public async Task Run_TwoExecutionsOfOneAttempt_ExactlyOneRunsTheWork()
    {
        _harness.WriteSpec(RunnerHarness.CommandSpec("echo \"ran by $CLOUD_RUN_EXECUTION\"; sleep 1"));
        var other = Path.Combine(_harness.Root, "workspace-2");
        Directory.CreateDirectory(other);
        var secondName = "jobs/runner-abc/executions/exec-2";

        var outcomes = await Task.WhenAll(
            _harness.RunAsync(),
            _harness.RunAsync(overrides: new Dictionary<string, string?> { ["CLOUD_RUN_EXECUTION"] = secondName, ["RUNNER_WORKSPACE"] = other }));

        Assert.All(outcomes, o => Assert.Equal(0, o.ExitCode));
        using var claim = JsonDocument.Parse(_harness.ReadAttemptObject(RunnerContract.ClaimObject));
        var winner = claim.RootElement.GetProperty("execution").GetString();
        Assert.Contains(winner, new[] { RunnerHarness.Execution, secondName });
        Assert.Equal($"ran by {winner}\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
        Assert.Single(outcomes, o => o.Stderr.Contains("duplicate", StringComparison.Ordinal));
        Assert.Equal(Termination.None, _harness.ReadResult().Termination);
    }

    [Fact]
    public async Task Run_CommandPastItsDeadline_UploadsPartialOutputAsTimeout()
    {
        _harness.WriteSpec(RunnerHarness.CommandSpec(
            "echo partial; mkdir -p output; echo half > output/progress.txt; sleep 30; echo never",
            timeoutSeconds: 5));

        var outcome = await _harness.RunAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, outcome.ExitCode);
        Assert.InRange(outcome.Elapsed.TotalSeconds, 2, 15);
        var result = _harness.ReadResult();
        Assert.Equal(Termination.Timeout, result.Termination);
        Assert.Equal(143, result.ExitCode);
        Assert.Equal("partial\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
        Assert.Equal("half\n", _harness.ReadOutputTar()["progress.txt"]);
    }

    [Fact]
    public async Task Run_SigtermFromOutside_StopsTheWorkAndRecordsCancel()
    {
        _harness.WriteSpec(RunnerHarness.CommandSpec("echo started; touch started; sleep 30; echo never") with
        {
            PostCommand = "touch post-ran",
        });

        var outcome = await _harness.RunAsync(TimeSpan.FromSeconds(30), async runner =>
        {
            await RunnerHarness.WaitForFileAsync(Path.Combine(_harness.Workspace, "started"), TimeSpan.FromSeconds(20));
            await runner.TerminateAsync();
        });

        Assert.Equal(0, outcome.ExitCode);
        Assert.True(outcome.Elapsed < TimeSpan.FromSeconds(15), $"took {outcome.Elapsed}");
        var result = _harness.ReadResult();
        Assert.Equal(Termination.Cancel, result.Termination);
        Assert.Equal("started\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
        Assert.False(File.Exists(Path.Combine(_harness.Workspace, "post-ran")));
    }

    [Fact]
    public async Task Run_SigtermWhileFetchingAGitInput_SkipsTheWorkAndRecordsCancel()
    {
        // Arrange: the git fetch hangs for 60 s; the runner must stop it rather than wait.
        var fetching = Path.Combine(_harness.Root, "fetch-started");
        _harness.InstallHangingGitFetch(fetching);
        _harness.WriteSpec(RunnerHarness.CommandSpec("touch ran") with
        {
            Inputs = [new SpecInput("repo", Git: new SpecGit("https://git.example.invalid/repo.git", "main", new string('a', 40)))],
        });
        var sinceTerm = new Stopwatch();

        // Act
        var outcome = await _harness.RunAsync(TimeSpan.FromSeconds(90), async runner =>
        {
            await RunnerHarness.WaitForFileAsync(fetching, TimeSpan.FromSeconds(30));
            sinceTerm.Start();
            await runner.TerminateAsync();
        });
        sinceTerm.Stop();

        // Assert
        Assert.Equal(0, outcome.ExitCode);
        Assert.True(sinceTerm.Elapsed < TimeSpan.FromSeconds(30), $"ended {sinceTerm.Elapsed.TotalSeconds:0.0} s after SIGTERM");
        var result = _harness.ReadResult();
        Assert.Equal(Termination.Cancel, result.Termination);
        Assert.Null(result.ExitCode);
        Assert.False(File.Exists(Path.Combine(_harness.Workspace, "ran")));
    }

    [Fact]
    public async Task Run_ClaimOutsideTheWritableGrant_ExitsNonZeroWithoutRunning()
    {
        // Arrange: the runner account may create objects elsewhere only, so the claim cannot be stored.
        _harness.WriteSpec(RunnerHarness.CommandSpec("touch ran"));
        _harness.Environment["GCLOUD_STANDIN_WRITE_PREFIXES"] = "elsewhere/";

        // Act
        var outcome = await _harness.RunAsync();

        // Assert
        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Empty(_harness.AttemptObjectNames());
        Assert.False(File.Exists(Path.Combine(_harness.Workspace, "ran")));
    }

    public void Dispose() => _harness.Dispose();

    /// <summary>The cases against runner/runner.sh, and the cases about the gcloud stand-in (its fault injection) that have no native counterpart.</summary>
    public sealed class Script() : ClaimAndTerminationTests(RunnerImplementation.Script)
    {
        [Fact]
        public async Task Run_ClaimStorageUnavailable_ExitsNonZeroWithoutRunning()
        {
            _harness.WriteSpec(RunnerHarness.CommandSpec("touch ran"));
            _harness.Environment["GCLOUD_STANDIN_FAIL_MATCH"] = "/claim$";

            var outcome = await _harness.RunAsync();

            Assert.NotEqual(0, outcome.ExitCode);
            Assert.Empty(_harness.AttemptObjectNames());
            Assert.False(File.Exists(Path.Combine(_harness.Workspace, "ran")));
        }

        [Fact]
        public async Task Run_SigtermWhileFetchingInputs_SkipsTheWorkAndRecordsCancel()
        {
            _harness.PutObject("inputs/slow.tar.gz", RunnerHarness.TarGz(RunnerHarness.FileEntry("f.txt", "f")));
            _harness.Environment["GCLOUD_STANDIN_SLOW_MATCH"] = "slow\\.tar\\.gz$";
            _harness.WriteSpec(RunnerHarness.CommandSpec("touch ran") with
            {
                Inputs = [new SpecInput("data", Bundle: _harness.GsUri("inputs/slow.tar.gz"))],
            });

            var outcome = await _harness.RunAsync(TimeSpan.FromSeconds(30), async runner =>
            {
                await RunnerHarness.WaitForFileAsync(_harness.AttemptObjectPath(RunnerContract.ClaimObject), TimeSpan.FromSeconds(20));
                await runner.TerminateAsync();
            });

            Assert.Equal(0, outcome.ExitCode);
            var result = _harness.ReadResult();
            Assert.Equal(Termination.Cancel, result.Termination);
            Assert.Null(result.ExitCode);
            Assert.False(File.Exists(Path.Combine(_harness.Workspace, "ran")));
        }
    }

    /// <summary>The cases against the native executor.</summary>
    public sealed class Native() : ClaimAndTerminationTests(RunnerImplementation.Native);
}
