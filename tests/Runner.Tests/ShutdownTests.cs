using System.Diagnostics;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Specs;
using Xunit.Abstractions;

namespace Orchestration.Runner.Tests;

/// <summary>Cloud Run sends SIGKILL about 10 s after SIGTERM: the judged outcome must be stored before then.</summary>
public abstract class ShutdownTests(RunnerImplementation implementation) : IDisposable
{
    private static readonly TimeSpan CloudRunGrace = TimeSpan.FromSeconds(10);

    private readonly RunnerHarness _harness = new(implementation);

    private string StartedMarker => Path.Combine(_harness.Workspace, "started");

    [Fact]
    public async Task Run_SigtermWithAnOutput_StoresResultFirstThenTheOutput()
    {
        // Arrange
        _harness.WriteSpec(RunnerHarness.CommandSpec("echo started; mkdir -p output; echo partial > output/part.txt; touch started; sleep 60"));

        // Act
        var outcome = await _harness.RunAsync(TimeSpan.FromSeconds(60), async runner =>
        {
            await RunnerHarness.WaitForFileAsync(StartedMarker, TimeSpan.FromSeconds(20));
            await runner.TerminateAsync();
        });

        // Assert: result.json says the output comes after it, and the output did come once it was stored.
        Assert.Equal(0, outcome.ExitCode);
        Assert.True(outcome.Elapsed < CloudRunGrace + TimeSpan.FromSeconds(20), $"took {outcome.Elapsed}");
        var result = _harness.ReadResult();
        Assert.Equal(Termination.Cancel, result.Termination);
        Assert.Contains("\"output\":{\"afterResult\":true}", _harness.ReadAttemptObject(RunnerContract.ResultObject), StringComparison.Ordinal);
        Assert.Equal("partial\n", _harness.ReadOutputTar()["part.txt"]);
        Assert.Equal("started\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
    }

    public void Dispose() => _harness.Dispose();

    /// <summary>The cases against runner/runner.sh, and those whose slow or costly storage comes from the gcloud stand-in's
    /// fault injection (the native executor has no gcloud call to slow down).</summary>
    public sealed class Script(ITestOutputHelper output) : ShutdownTests(RunnerImplementation.Script)
    {

        [Fact]
        public async Task Run_SigtermWhileTheOutputUploadIsSlow_StoresResultBeforeTheOutput()
        {
            // Arrange: an output whose upload takes 30 s (as a large archive would): on SIGTERM it must not hold up result.json.
            _harness.Environment["GCLOUD_STANDIN_SLOW_MATCH"] = "/output\\.tar\\.gz$";
            _harness.Environment["GCLOUD_STANDIN_SLOW_SECONDS"] = "30";
            _harness.WriteSpec(RunnerHarness.CommandSpec("echo started; mkdir -p output; echo partial > output/part.txt; touch started; sleep 60"));
            var resultBeforeKill = false;

            // Act: SIGTERM, then SIGKILL (Cloud Run's) once result.json is there or the grace is over.
            var outcome = await _harness.RunAsync(TimeSpan.FromSeconds(60), async runner =>
            {
                await RunnerHarness.WaitForFileAsync(StartedMarker, TimeSpan.FromSeconds(20));
                await runner.TerminateAsync();
                resultBeforeKill = await WaitForAsync(() => _harness.AttemptObjectExists(RunnerContract.ResultObject), TimeSpan.FromSeconds(25));
                using var process = Process.GetProcessById(runner.ProcessId!.Value);
                process.Kill(entireProcessTree: true);
            });

            // Assert
            Assert.True(resultBeforeKill, $"result.json was not stored while the output upload was slow: {outcome.Stderr}");
            var result = _harness.ReadResult();
            Assert.Equal(Termination.Cancel, result.Termination);
            Assert.Equal("started\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
            Assert.False(_harness.AttemptObjectExists(RunnerContract.OutputObject));
            Assert.Contains("\"output\":{\"afterResult\":true}", _harness.ReadAttemptObject(RunnerContract.ResultObject), StringComparison.Ordinal);
        }

        [Fact]
        public async Task Run_SigtermWithGcloudTakingASecondPerCall_StoresResultWithinCloudRunsGrace()
        {
            // Arrange: every gcloud call costs 1 s (gcloud's start-up and a request); the output comes after result.json.
            _harness.Environment["GCLOUD_STANDIN_DELAY_SECONDS"] = "1";
            _harness.WriteSpec(RunnerHarness.CommandSpec("echo started; mkdir -p output; echo partial > output/part.txt; touch started; sleep 60"));
            TimeSpan? stored = null;

            // Act
            var outcome = await _harness.RunAsync(TimeSpan.FromSeconds(60), async runner =>
            {
                await RunnerHarness.WaitForFileAsync(StartedMarker, TimeSpan.FromSeconds(30));
                var sinceTerm = Stopwatch.StartNew();
                await runner.TerminateAsync();
                if (await WaitForAsync(() => _harness.AttemptObjectExists(RunnerContract.ResultObject), TimeSpan.FromSeconds(30)))
                {
                    stored = sinceTerm.Elapsed;
                }
            });

            // Assert
            output.WriteLine($"result.json stored {stored?.TotalSeconds:0.00} s after SIGTERM; the runner ended after {outcome.Elapsed.TotalSeconds:0.00} s in all");
            Assert.Equal(0, outcome.ExitCode);
            Assert.True(stored < CloudRunGrace, $"result.json stored {stored?.TotalSeconds:0.0} s after SIGTERM: {outcome.Stderr}");
            Assert.Equal(Termination.Cancel, _harness.ReadResult().Termination);
            Assert.Equal("partial\n".Length, _harness.OutputTarEntryLengths()["part.txt"]);
        }

        [Fact]
        public async Task Run_SigtermDuringALongInputDownload_EndsWithoutWaitingForIt()
        {
            // Arrange: a bundle whose download takes 60 s; bash would run the trap only after it.
            _harness.PutObject("inputs/huge.tar.gz", RunnerHarness.TarGz(RunnerHarness.FileEntry("f.txt", "f")));
            _harness.Environment["GCLOUD_STANDIN_SLOW_MATCH"] = "huge\\.tar\\.gz$";
            _harness.Environment["GCLOUD_STANDIN_SLOW_SECONDS"] = "60";
            var downloading = Path.Combine(_harness.Root, "download-started");
            _harness.Environment["GCLOUD_STANDIN_SLOW_MARKER"] = downloading;
            _harness.WriteSpec(RunnerHarness.CommandSpec("touch ran") with
            {
                Inputs = [new SpecInput("data", Bundle: _harness.GsUri("inputs/huge.tar.gz"))],
            });
            var sinceTerm = new Stopwatch();

            // Act
            var outcome = await _harness.RunAsync(TimeSpan.FromSeconds(90), async runner =>
            {
                await RunnerHarness.WaitForFileAsync(downloading, TimeSpan.FromSeconds(30));
                sinceTerm.Start();
                await runner.TerminateAsync();
            });
            sinceTerm.Stop();

            // Assert
            Assert.Equal(0, outcome.ExitCode);
            Assert.True(sinceTerm.Elapsed < TimeSpan.FromSeconds(40), $"ended {sinceTerm.Elapsed.TotalSeconds:0.0} s after SIGTERM");
            var result = _harness.ReadResult();
            Assert.Equal(Termination.Cancel, result.Termination);
            Assert.Null(result.ExitCode);
            Assert.False(File.Exists(Path.Combine(_harness.Workspace, "ran")));
        }

        private static async Task<bool> WaitForAsync(Func<bool> condition, TimeSpan limit)
        {
            var watch = Stopwatch.StartNew();
            while (!condition())
            {
                if (watch.Elapsed > limit)
                {
                    return false;
                }

                await Task.Delay(50);
            }

            return true;
        }
    }

    /// <summary>The cases against the native executor.</summary>
    public sealed class Native() : ShutdownTests(RunnerImplementation.Native);
}
