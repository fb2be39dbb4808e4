using Microsoft.Extensions.Options;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Steps;
using Orchestration.Activities.Tests.Google;
using Orchestration.Domain.Specs;

namespace Orchestration.Activities.Tests.CloudRun;

/// <summary>The Cloud Run task timeout StartRun asks for is the task's timeoutSeconds (the work's own time)
/// plus the setup allowance and the upload margin, never less (issue 22, section 1).</summary>
public sealed class ExecutionTimeoutTests
{
    [Theory]
    [InlineData(1, "631s")]
    [InlineData(3, "633s")]
    [InlineData(20, "650s")]
    [InlineData(31, "661s")]
    [InlineData(40, "670s")]
    [InlineData(86_400, "87030s")]
    public async Task StartRun_TaskTimeout_RunBodyTimeoutIsTheWorkPlusSetupAndUploads(int timeoutSeconds, string expected)
    {
        // Arrange
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Job());
        var start = new StartRun(host.Store, host.Jobs, Options.Create(new RunSettings { Bucket = "test-bucket" }));

        // Act
        var started = await start.RunAsync(new StartRunInput(new RunAttempt("b1", "n1", 0, "t1", 0, 1), "orch-0123456789ab", "gs://test-bucket/runs/b1/n1/t1/spec.json", timeoutSeconds));

        // Assert: what the :run request body carried, as the fake Cloud Run recorded it (and accepted: at most 168 h).
        Assert.NotNull(started.Execution);
        var execution = Assert.Single(host.Run.Executions);
        Assert.Equal(expected, execution.Timeout);
        Assert.Equal(AttemptTimeLimits.Default.ExecutionTimeout(timeoutSeconds), TimeSpan.FromSeconds(double.Parse(expected.TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void ExecutionTimeout_Defaults_AreTenMinutesOfSetupAndThirtySecondsOfUploads()
    {
        // Act
        var timeout = AttemptTimeLimits.Default.ExecutionTimeout(20);

        // Assert
        Assert.Equal((600, 30), (AttemptTimeLimits.Default.SetupSeconds, AttemptTimeLimits.Default.UploadMarginSeconds));
        Assert.Equal(TimeSpan.FromSeconds(650), timeout);
        Assert.Equal(AttemptTimeLimits.Default.SetupSeconds, new SpecLimits().SetupSeconds);
    }

    private static CloudRunJobSpec Job() => new(
        "orch-0123456789ab",
        "europe-docker.pkg.dev/p/r/runner@sha256:abc",
        "1",
        "2Gi",
        "command-runner@test-project.iam.gserviceaccount.com",
        new Dictionary<string, string>(),
        new Dictionary<string, CloudRunSecretRef>(),
        TimeSpan.FromHours(24),
        new Dictionary<string, string> { ["managed-by"] = "orchestration" });
}
