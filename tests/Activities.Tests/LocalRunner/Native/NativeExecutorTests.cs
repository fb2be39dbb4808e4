using System.Text.Json;
using Orchestration.Adapters.LocalRunner;
using Orchestration.Adapters.LocalRunner.Native;
using Orchestration.Tests.Waiting;

namespace Orchestration.Activities.Tests.LocalRunner.Native;

public sealed class NativeExecutorTests : IDisposable
{
    private readonly NativeSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task RunAsync_CommandTask_RunsOnceAndUploadsCapturesAndResultJson()
    {
        _sandbox.PutObject("inputs/data.txt", "input-bytes");
        _sandbox.CommandSpec("cat input/data.txt; echo \"$RUN_ATTEMPT\" >> \"$EFFECT\"; echo oops >&2; echo out > output/f.txt; exit 3", extra: new
        {
            inputs = new[] { new { name = "data.txt", gcs = new { uri = $"gs://{NativeSandbox.Bucket}/inputs/data.txt" } } },
            flagFiles = new[] { "f.txt" },
        });

        var code = await _sandbox.RunAsync(_sandbox.Request());

        Assert.Equal(0, code);
        Assert.Equal(1, _sandbox.EffectCount);
        Assert.Equal("input-bytes", _sandbox.ReadObject(NativeSandbox.Prefix + "stdout.txt"));
        Assert.Equal("oops\n", _sandbox.ReadObject(NativeSandbox.Prefix + "stderr.txt"));
        Assert.Equal("input-bytes", _sandbox.ReadObject(NativeSandbox.Prefix + "response.txt"));
        Assert.NotNull(_sandbox.ReadObject(NativeSandbox.Prefix + "output.tar.gz"));
        using var result = JsonDocument.Parse(_sandbox.ReadObject(NativeSandbox.Prefix + "result.json")!);
        var root = result.RootElement;
        Assert.Equal(3, root.GetProperty("exitCode").GetInt32());
        Assert.Equal("none", root.GetProperty("termination").GetString());
        Assert.Equal("exec-1", root.GetProperty("execution").GetString());
        Assert.Equal(1, root.GetProperty("attempt").GetInt32());
        Assert.Equal(60, root.GetProperty("workLimitSeconds").GetInt32());
        Assert.Equal("out\n", root.GetProperty("files").GetProperty("f.txt").GetProperty("content").GetString());
        Assert.True(root.GetProperty("output").GetProperty("uploaded").GetBoolean());
        Assert.Equal(
            ["exitCode", "termination", "startedAt", "endedAt", "runnerVersion", "execution", "attempt", "workLimitSeconds", "preCommandExitCode", "postCommandExitCode", "stdout", "stderr", "response", "files", "output"],
            root.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task RunAsync_ClaimNamesAnotherExecution_DuplicateExitsZeroAndUploadsNothing()
    {
        _sandbox.CommandSpec("echo x >> \"$EFFECT\"");
        _sandbox.PutObject(NativeSandbox.Prefix + "claim", "{\"execution\":\"someone-else\",\"startedAt\":\"2026-01-01T00:00:00.000Z\"}\n");

        var code = await _sandbox.RunAsync(_sandbox.Request());

        Assert.Equal(0, code);
        Assert.Equal(0, _sandbox.EffectCount);
        Assert.Null(_sandbox.ReadObject(NativeSandbox.Prefix + "result.json"));
        Assert.Null(_sandbox.ReadObject(NativeSandbox.Prefix + "stderr.txt"));
    }

    [Fact]
    public async Task RunAsync_SecretInOutput_IsRedactedEverywhere()
    {
        var env = _sandbox.Environment();
        env["MY_TOKEN"] = "s3cr3t-value-\"quoted\"";
        env["RUNNER_SECRET_ENV_NAMES"] = "MY_TOKEN";
        _sandbox.CommandSpec("printf '%s' \"$MY_TOKEN\"; printf '%s' \"$MY_TOKEN\" >&2; printf '%s' \"$MY_TOKEN\" > output/flag", extra: new { flagFiles = new[] { "flag" } });

        var code = await _sandbox.RunAsync(_sandbox.Request(env));

        Assert.Equal(0, code);
        Assert.Equal("[REDACTED]", _sandbox.ReadObject(NativeSandbox.Prefix + "stdout.txt"));
        Assert.Equal("[REDACTED]", _sandbox.ReadObject(NativeSandbox.Prefix + "stderr.txt"));
        var result = _sandbox.ReadObject(NativeSandbox.Prefix + "result.json")!;
        Assert.DoesNotContain("s3cr3t", result, StringComparison.Ordinal);
        Assert.Contains("\"content\":\"[REDACTED]\"", result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WorkPassesItsLimit_TimeoutTermination()
    {
        _sandbox.CommandSpec("sleep 30", timeoutSeconds: 1);

        var code = await _sandbox.RunAsync(_sandbox.Request());

        Assert.Equal(0, code);
        using var result = JsonDocument.Parse(_sandbox.ReadObject(NativeSandbox.Prefix + "result.json")!);
        Assert.Equal("timeout", result.RootElement.GetProperty("termination").GetString());
        Assert.Equal(143, result.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Contains("the work passed its time limit (1s) and was stopped", _sandbox.ReadObject(NativeSandbox.Prefix + "stderr.txt"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TerminateWhileWorkRuns_CancelTerminationAndOutputAfterResult()
    {
        _sandbox.CommandSpec("echo started >> \"$EFFECT\"; sleep 30");
        using var terminate = new CancellationTokenSource();

        var run = _sandbox.RunAsync(_sandbox.Request(), terminate: terminate.Token);
        await Eventually.HoldsAsync(() => _sandbox.EffectCount == 1, "the work started");
        await terminate.CancelAsync();
        var code = await run;

        Assert.Equal(0, code);
        using var result = JsonDocument.Parse(_sandbox.ReadObject(NativeSandbox.Prefix + "result.json")!);
        Assert.Equal("cancel", result.RootElement.GetProperty("termination").GetString());
        Assert.Equal(143, result.RootElement.GetProperty("exitCode").GetInt32());
        Assert.True(result.RootElement.GetProperty("output").GetProperty("afterResult").GetBoolean());
    }

    [Fact]
    public async Task RunAsync_TerminateBeforeTheWork_NoWorkAndCancelWithNullExitCode()
    {
        _sandbox.CommandSpec("echo x >> \"$EFFECT\"");
        using var terminate = new CancellationTokenSource();
        await terminate.CancelAsync();

        var code = await _sandbox.RunAsync(_sandbox.Request(), terminate: terminate.Token);

        Assert.Equal(0, code);
        Assert.Equal(0, _sandbox.EffectCount);
        using var result = JsonDocument.Parse(_sandbox.ReadObject(NativeSandbox.Prefix + "result.json")!);
        Assert.Equal("cancel", result.RootElement.GetProperty("termination").GetString());
        Assert.Equal(JsonValueKind.Null, result.RootElement.GetProperty("exitCode").ValueKind);
        Assert.Equal(JsonValueKind.Null, result.RootElement.GetProperty("workLimitSeconds").ValueKind);
    }

    [Fact]
    public async Task RunAsync_InvalidSpec_InfrastructureFailureWithReasonInStderr()
    {
        _sandbox.PutObject("runs/b1/n1/t1/spec.json", "{\"kind\":\"command\",\"command\":\"true\"}");

        var code = await _sandbox.RunAsync(_sandbox.Request());

        Assert.Equal(1, code);
        Assert.Null(_sandbox.ReadObject(NativeSandbox.Prefix + "result.json"));
        Assert.Equal("runner-lib: spec.timeoutSeconds must be positive\n[runner] spec.json is not valid\n", _sandbox.ReadObject(NativeSandbox.Prefix + "stderr.txt"));
    }

    [Theory]
    [InlineData("claimed")]
    [InlineData("setup")]
    [InlineData("launched")]
    [InlineData("running")]
    [InlineData("built")]
    [InlineData("uploaded stderr.txt")]
    [InlineData("uploaded stdout.txt")]
    [InlineData("uploaded response.txt")]
    [InlineData("uploaded output.tar.gz")]
    [InlineData("uploaded result.json")]
    public async Task RunAsync_AbandonedAtAStepThenResumed_WorkRunsOnceAndResultUploadedOnceWithTheSameBytes(string step)
    {
        _sandbox.PutObject("inputs/data.txt", "input-bytes");
        _sandbox.CommandSpec("sleep 0.3; echo once >> \"$EFFECT\"; echo done > output/out.txt; echo stdout", extra: new
        {
            inputs = new[] { new { name = "data.txt", gcs = new { uri = $"gs://{NativeSandbox.Bucket}/inputs/data.txt" } } },
        });
        var request = _sandbox.Request();

        var first = await _sandbox.AbandonAtAsync(request, step);
        var localResultAfterFirst = File.Exists(Path.Combine(_sandbox.StateFolder, "upload", "result.json"))
            ? File.ReadAllBytes(Path.Combine(_sandbox.StateFolder, "upload", "result.json"))
            : null;
        var code = await _sandbox.RunAsync(request);
        var again = await _sandbox.RunAsync(request);

        Assert.IsAssignableFrom<OperationCanceledException>(first);
        Assert.Equal(0, code);
        Assert.Equal(0, again);
        Assert.Equal(1, _sandbox.EffectCount);
        var stored = _sandbox.ReadObjectBytes(NativeSandbox.Prefix + "result.json");
        Assert.NotNull(stored);
        if (localResultAfterFirst is not null)
        {
            // Built before the abandon: the resumed driver uploaded those very bytes.
            Assert.Equal(localResultAfterFirst, stored);
        }

        Assert.Equal("stdout\n", _sandbox.ReadObject(NativeSandbox.Prefix + "stdout.txt"));
        Assert.Equal("0\n", File.ReadAllText(Path.Combine(_sandbox.StateFolder, "exit")));
        Assert.Equal(["exit"], Directory.EnumerateFileSystemEntries(_sandbox.StateFolder).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("claimed")]
    [InlineData("launched")]
    [InlineData("running")]
    [InlineData("built")]
    [InlineData("uploaded result.json")]
    public async Task RunAsync_ScratchFolder_AbandonedAtAStepThenResumed_WorkRunsOnceAndOnlyTheExitStays(string step)
    {
        // The working files in a folder of their own (memory, in the hosts), which a host crash leaves as they were.
        _sandbox.CommandSpec("sleep 0.3; echo once >> \"$EFFECT\"; echo done > output/out.txt; echo stdout");
        var request = _sandbox.Request(scratch: true);

        var first = await _sandbox.AbandonAtAsync(request, step);
        var journalOnDisk = File.Exists(Path.Combine(_sandbox.StateFolder, "journal"));
        var laidOutInScratch = File.Exists(Path.Combine(_sandbox.ScratchFolder, "spec.json"));
        var code = await _sandbox.RunAsync(request);

        Assert.IsAssignableFrom<OperationCanceledException>(first);
        Assert.True(journalOnDisk, "the journal is in the state folder");
        Assert.Equal(step != "claimed", laidOutInScratch);
        Assert.False(File.Exists(Path.Combine(_sandbox.StateFolder, "spec.json")), "no working file in the state folder");
        Assert.Equal(0, code);
        Assert.Equal(1, _sandbox.EffectCount);
        Assert.Equal("stdout\n", _sandbox.ReadObject(NativeSandbox.Prefix + "stdout.txt"));
        Assert.NotNull(_sandbox.ReadObject(NativeSandbox.Prefix + "result.json"));
        Assert.Equal(["exit"], Directory.EnumerateFileSystemEntries(_sandbox.StateFolder).Select(Path.GetFileName));
        Assert.False(Directory.Exists(_sandbox.ScratchFolder), "the working files are removed with the execution's end");
    }

    [Fact]
    public async Task RunAsync_ScratchLostWithTheWork_AsAMachineRestartDoes_InfrastructureFailureAndNeverASecondRun()
    {
        // Launched, then the machine "restarts": the work dies and the memory folder with its working files is gone.
        _sandbox.CommandSpec("echo started >> \"$EFFECT\"; sleep 30; echo finished >> \"$EFFECT\"");
        var request = _sandbox.Request(scratch: true);
        var first = await _sandbox.AbandonAtAsync(request, "running");
        await Eventually.HoldsAsync(() => _sandbox.EffectCount == 1, "the work started");
        var pid = _sandbox.WorkPid(request);
        NativeSandbox.KillTree(pid);
        await Eventually.HoldsAsync(() => !LocalRunnerSandbox.ProcessExists(pid), "the wrapper is gone");
        Directory.Delete(_sandbox.ScratchFolder, recursive: true);

        var code = await _sandbox.RunAsync(request);

        Assert.IsAssignableFrom<OperationCanceledException>(first);
        Assert.Equal(1, code);
        Assert.Equal(["started"], File.ReadAllLines(_sandbox.EffectFile));
        Assert.Null(_sandbox.ReadObject(NativeSandbox.Prefix + "result.json"));
        Assert.Contains("working files were lost", _sandbox.ReadObject(NativeSandbox.Prefix + "stderr.txt"), StringComparison.Ordinal);
        Assert.Equal(1, await _sandbox.RunAsync(request));
        Assert.False(Directory.Exists(_sandbox.ScratchFolder));
    }

    [Fact]
    public async Task RunAsync_WorkKilledWhileTheHostIsAway_InfrastructureFailureAndNeverASecondRun()
    {
        _sandbox.CommandSpec("echo started >> \"$EFFECT\"; sleep 30; echo finished >> \"$EFFECT\"");
        var request = _sandbox.Request();
        var first = await _sandbox.AbandonAtAsync(request, "running");
        await Eventually.HoldsAsync(() => _sandbox.EffectCount == 1, "the work started");
        var pid = int.Parse(File.ReadAllText(Path.Combine(_sandbox.StateFolder, "work.pid")).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        NativeSandbox.KillTree(pid);
        await Eventually.HoldsAsync(() => !LocalRunnerSandbox.ProcessExists(pid), "the wrapper is gone");

        var code = await _sandbox.RunAsync(request);

        Assert.IsAssignableFrom<OperationCanceledException>(first);
        Assert.Equal(1, code);
        Assert.Equal(["started"], File.ReadAllLines(_sandbox.EffectFile));
        Assert.Null(_sandbox.ReadObject(NativeSandbox.Prefix + "result.json"));
        Assert.Contains("the work was lost", _sandbox.ReadObject(NativeSandbox.Prefix + "stderr.txt"), StringComparison.Ordinal);
        Assert.Equal(1, await _sandbox.RunAsync(request));
    }

    [Fact]
    public async Task RunAsync_WorkPassesItsLimitWhileTheHostIsAway_StoppedWithoutTheHostAndJudgedATimeoutOnResume()
    {
        // The command ignores TERM; the phases around it do not (as phases.sh under timeout), so the work ends at the
        // limit with timeout's 124 and what is left of its group is killed, with no driver watching (the host crashed
        // right after the launch).
        var env = _sandbox.Environment();
        _sandbox.CommandSpec("trap '' TERM; echo started >> \"$EFFECT\"; sleep 30; echo finished >> \"$EFFECT\"", timeoutSeconds: 1);
        var request = _sandbox.Request(env);
        var first = await _sandbox.AbandonAtAsync(request, "running");
        var exit = Path.Combine(_sandbox.StateFolder, "work.exit");
        await Eventually.HoldsAsync(() => File.Exists(exit) && File.ReadAllText(exit) == "124\n", "the work stopped by its own timer", TimeSpan.FromSeconds(20));

        var code = await _sandbox.RunAsync(request);

        Assert.IsAssignableFrom<OperationCanceledException>(first);
        Assert.Equal(0, code);
        Assert.Equal(["started"], File.ReadAllLines(_sandbox.EffectFile));
        using var result = JsonDocument.Parse(_sandbox.ReadObject(NativeSandbox.Prefix + "result.json")!);
        Assert.Equal("timeout", result.RootElement.GetProperty("termination").GetString());
        Assert.Equal(143, result.RootElement.GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task RunAsync_EnvironmentValuesOfEveryKind_ReachTheCommandByteForByteAndNothingInThemRuns()
    {
        // The environment travels to the spawner as quoted words that bash evaluates: nothing in a value may run.
        var nasty = "it's \"quoted\" $(touch pwned) `touch pwned` ${HOME} \\ \\x41 \\'\n\tsecond line é ü 日本 \u0001\u007f end\\";
        var env = _sandbox.Environment();
        env["NASTY"] = nasty;
        env["EMPTY"] = string.Empty;
        _sandbox.CommandSpec("printf '%s' \"$NASTY\"; printf '[%s]' \"${EMPTY-unset}\" >&2");

        var code = await _sandbox.RunAsync(_sandbox.Request(env));

        Assert.Equal(0, code);
        Assert.Equal(nasty, _sandbox.ReadObject(NativeSandbox.Prefix + "stdout.txt"));
        Assert.Equal("[]", _sandbox.ReadObject(NativeSandbox.Prefix + "stderr.txt"));
        Assert.Empty(Directory.EnumerateFiles(_sandbox.Root, "pwned", SearchOption.AllDirectories));
        Assert.False(File.Exists("pwned"));
    }

    [Fact]
    public async Task RunAsync_LaunchCutShortByAHostCrash_LaunchedAgainAfterTheGraceAndRunOnce()
    {
        // The host dies between recording the launch and handing it to the spawner: the work was never started.
        _sandbox.CommandSpec("echo ran >> \"$EFFECT\"");
        var request = _sandbox.Request();
        var cut = await Record.ExceptionAsync(() => _sandbox.RunAsync(request, onLaunching: () => throw new InvalidOperationException("the host died here")));
        var launchedBeforeResume = File.ReadAllText(Path.Combine(_sandbox.StateFolder, "journal")).Contains("work.launched", StringComparison.Ordinal);

        // A grace of a few seconds: the next launch must record its pid within it, on a busy machine too.
        var code = await _sandbox.RunAsync(request, launchGrace: TimeSpan.FromSeconds(3));

        Assert.IsType<InvalidOperationException>(cut);
        Assert.True(launchedBeforeResume, "the launch was recorded before the crash");
        Assert.Equal(0, code);
        Assert.Equal(["ran"], File.ReadAllLines(_sandbox.EffectFile));
        using var result = JsonDocument.Parse(_sandbox.ReadObject(NativeSandbox.Prefix + "result.json")!);
        Assert.Equal(0, result.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Equal("none", result.RootElement.GetProperty("termination").GetString());
        Assert.Contains("the launch was cut short); launching it again", _sandbox.ReadObject(NativeSandbox.Prefix + "stderr.txt"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_LaunchArrivesAfterTheDriverGaveItUp_ThatLaunchNeverRunsAndTheNextRunsOnce()
    {
        // The spawner (a bash of this test's own, held at a gate) takes the first launch only after the grace: the
        // driver has given it up and launched again by then, and the late first launch must not run the command.
        var gate = Path.Combine(_sandbox.Root, "spawner-gate");
        var heldBash = Path.Combine(_sandbox.Root, "held-bash");
        File.WriteAllText(heldBash, $"#!/bin/bash\nwhile [ ! -e '{gate}' ]; do sleep 0.05; done\nexec /bin/bash \"$@\"\n");
        LocalRunnerSandbox.MakeExecutable(heldBash);
        _sandbox.CommandSpec("echo ran >> \"$EFFECT\"");
        var pidFile = Path.Combine(_sandbox.StateFolder, "work.pid");

        var running = _sandbox.RunAsync(_sandbox.Request(), launchGrace: TimeSpan.FromSeconds(3), bashPath: heldBash);
        await Eventually.HoldsAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile) == "none\n", "the driver gave the first launch up", TimeSpan.FromSeconds(30));
        File.WriteAllText(gate, string.Empty);
        var code = await running.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, code);
        Assert.Equal(["ran"], File.ReadAllLines(_sandbox.EffectFile));
        Assert.NotNull(_sandbox.ReadObject(NativeSandbox.Prefix + "result.json"));
    }

    [Theory]
    [InlineData("sleep 300 & echo $! > \"$EFFECT.pid\"; echo done", true)]
    [InlineData("exec 6>&-; sleep 1; echo done", false)]
    public async Task RunAsync_CommandLeavesAProcessHoldingItsFdsOrClosesThem_EndsWithTheCommandAndWhatItLeftIsKilled(string command, bool leavesAProcess)
    {
        // The work wakes when the phase's inherited timer writer closes; a process left behind keeps it open, and a
        // command may close it early: either way the phase's own end must still end the work, well within its limit.
        _sandbox.CommandSpec(command, timeoutSeconds: 600);

        var code = await _sandbox.RunAsync(_sandbox.Request()).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, code);
        using var result = JsonDocument.Parse(_sandbox.ReadObject(NativeSandbox.Prefix + "result.json")!);
        Assert.Equal("none", result.RootElement.GetProperty("termination").GetString());
        Assert.Equal(0, result.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Equal("done\n", _sandbox.ReadObject(NativeSandbox.Prefix + "stdout.txt"));
        if (leavesAProcess)
        {
            var cmdline = $"/proc/{File.ReadAllText(_sandbox.EffectFile + ".pid").Trim()}/cmdline";
            await Eventually.HoldsAsync(() => !File.Exists(cmdline) || !File.ReadAllText(cmdline).StartsWith("sleep", StringComparison.Ordinal), "what the command left running was killed");
        }
    }

    [Fact]
    public async Task RunAsync_WorkEnds_ItsReportWakesTheDriverWithoutAPoll()
    {
        // No poll within the test's patience: only the work's report of its end through the spawner can end the wait.
        _sandbox.CommandSpec("echo ran >> \"$EFFECT\"");

        var code = await _sandbox.RunAsync(_sandbox.Request(), pollInterval: TimeSpan.FromHours(1)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, code);
        Assert.Equal(1, _sandbox.EffectCount);
        Assert.NotNull(_sandbox.ReadObject(NativeSandbox.Prefix + "result.json"));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task RunAsync_SpawnerKilledWhileAWorkRuns_TheWorkFinishesAndReportsItsEnd_TheNextLaunchStartsAnotherSpawner()
    {
        var bash = _sandbox.PrivateBash();
        var gate = Path.Combine(_sandbox.Root, "gate");
        _sandbox.CommandSpec($"echo started >> \"$EFFECT\"; while [ ! -e '{gate}' ]; do sleep 0.05; done; echo finished >> \"$EFFECT\"");
        var running = _sandbox.RunAsync(_sandbox.Request(), pollInterval: TimeSpan.FromHours(1), bashPath: bash);
        await Eventually.HoldsAsync(() => _sandbox.EffectCount == 1, "the work started");
        var spawner = NativeSpawner.Existing(NativeExecutorSettings.Default.SetsidPath, bash)!;
        var first = spawner.ProcessId!.Value;
        Assert.True(LocalProcess.Signal(first, LocalProcess.SigKill));
        await Eventually.HoldsAsync(() => spawner.ProcessId is null, "the spawner is gone");

        using var other = new NativeSandbox();
        other.CommandSpec("echo other >> \"$EFFECT\"");
        var otherCode = await other.RunAsync(other.Request(), pollInterval: TimeSpan.FromHours(1), bashPath: bash).WaitAsync(TimeSpan.FromSeconds(60));
        var second = spawner.ProcessId;
        File.WriteAllText(gate, string.Empty);
        var code = await running.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, otherCode);
        Assert.Equal(["other"], File.ReadAllLines(other.EffectFile));
        Assert.NotNull(second);
        Assert.NotEqual(first, second);
        Assert.Equal(0, code);
        Assert.Equal(["started", "finished"], File.ReadAllLines(_sandbox.EffectFile));
        using var result = JsonDocument.Parse(_sandbox.ReadObject(NativeSandbox.Prefix + "result.json")!);
        Assert.Equal(0, result.RootElement.GetProperty("exitCode").GetInt32());
    }
}
