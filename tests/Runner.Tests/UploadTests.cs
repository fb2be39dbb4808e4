using System.Text;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Specs;

namespace Orchestration.Runner.Tests;

/// <summary>Uploads under the runner accounts' real grants: create under runs/ only, never overwrite or delete.</summary>
public abstract class UploadTests(RunnerImplementation implementation) : IDisposable
{
    private readonly RunnerHarness _harness = new(implementation);

    [Fact]
    public async Task Run_CaptureAlreadyStoredWithOtherBytes_FailsWithoutResult()
    {
        // Arrange: another writer's stdout.txt in this attempt's prefix; it cannot be replaced, nor be taken for ours.
        _harness.PutObject("runs/b1/n1/t1/0/a1/stdout.txt", Encoding.UTF8.GetBytes("someone else\n"));
        _harness.WriteSpec(RunnerHarness.CommandSpec("echo hello"));

        // Act
        var outcome = await _harness.RunAsync();

        // Assert
        Assert.NotEqual(0, outcome.ExitCode);
        Assert.False(_harness.AttemptObjectExists(RunnerContract.ResultObject));
        Assert.Equal("someone else\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
        Assert.Contains("stdout.txt is already stored with other bytes", outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CaptureAlreadyStoredWithTheSameBytes_CountsAsStored()
    {
        // Arrange: this attempt's own stdout.txt already stored (a resumed upload): it is not written again, nor an error.
        _harness.PutObject("runs/b1/n1/t1/0/a1/stdout.txt", Encoding.UTF8.GetBytes("hello\n"));
        _harness.WriteSpec(RunnerHarness.CommandSpec("echo hello"));

        // Act
        var outcome = await _harness.RunAsync();

        // Assert
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        Assert.Equal(0, _harness.ReadResult().ExitCode);
        Assert.Equal("hello\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
        Assert.True(_harness.AttemptObjectExists(RunnerContract.ResponseObject));
    }

    public void Dispose() => _harness.Dispose();

    /// <summary>The cases against runner/runner.sh, and the cases about the gcloud stand-in (its fault injection) that have no native counterpart.</summary>
    public sealed class Script() : UploadTests(RunnerImplementation.Script)
    {
        [Theory]
        [InlineData(null)]
        [InlineData("True")] // a custom image that turned composite uploads on
        public async Task Run_OutputArchiveAboveTheCompositeThreshold_IsUploadedWhole(string? compositeSetting)
        {
            // Arrange: random bytes do not compress, so output.tar.gz is above the stand-in's threshold.
            var bytes = (RunnerHarness.CompositeThresholdBytes * 3) + 12345;
            _harness.Environment["CLOUDSDK_STORAGE_PARALLEL_COMPOSITE_UPLOAD_ENABLED"] = compositeSetting;
            _harness.WriteSpec(RunnerHarness.CommandSpec($"mkdir -p output; head -c {bytes} /dev/urandom > output/blob; echo done"));

            // Act
            var outcome = await _harness.RunAsync();

            // Assert
            Assert.True(outcome.ExitCode == 0, outcome.Stderr);
            Assert.Equal(Termination.None, _harness.ReadResult().Termination);
            Assert.True(new FileInfo(_harness.AttemptObjectPath(RunnerContract.OutputObject)).Length > RunnerHarness.CompositeThresholdBytes);
            Assert.Equal(bytes, _harness.OutputTarEntryLengths()["blob"]);
            Assert.DoesNotContain(_harness.BucketObjectNames(), name => name.StartsWith("gcloud/", StringComparison.Ordinal));
        }

        [Fact]
        public async Task Run_UploadsWhoseResponseWasLost_CountAsStoredWhenTheBytesAreTheirs()
        {
            // Arrange: the write is stored, then gcloud's retry meets the object (412 under if-generation-match=0).
            _harness.Environment["GCLOUD_STANDIN_LOST_RESPONSE_MATCH"] = "/(stdout\\.txt|result\\.json)$";
            _harness.WriteSpec(RunnerHarness.CommandSpec("echo hello"));

            // Act
            var outcome = await _harness.RunAsync();

            // Assert
            Assert.True(outcome.ExitCode == 0, outcome.Stderr);
            Assert.Equal(0, _harness.ReadResult().ExitCode);
            Assert.Equal("hello\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
            Assert.True(_harness.AttemptObjectExists(RunnerContract.ResponseObject));
            Assert.Contains("result.json is stored with this attempt's bytes", outcome.Stderr, StringComparison.Ordinal);
        }
    }

    /// <summary>The cases against the native executor.</summary>
    public sealed class Native() : UploadTests(RunnerImplementation.Native);
}
