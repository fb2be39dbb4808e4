using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestration.Activities.CloudRun;
using Orchestration.Adapters.LocalRunner;

namespace Orchestration.Activities.Tests.LocalRunner;

public sealed class LocalRunnerCompositionTests : IDisposable
{
    private readonly LocalRunnerSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddLocalJobRunner();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task AddLocalJobRunner_FromConfiguration_RunsTheConfiguredCommandWithExtraEnvironment()
    {
        var output = _sandbox.PathOf("out.txt");
        var script = _sandbox.Script("di.sh", $"echo \"$1 $GCS_LOCAL_ROOT\" > \"{output}\"");
        await using var provider = Build(new()
        {
            ["LocalRunner:StateFolder"] = _sandbox.StateFolder,
            ["LocalRunner:Executor"] = "Script",
            ["LocalRunner:RunnerCommand:0"] = "bash",
            ["LocalRunner:RunnerCommand:1"] = script,
            ["LocalRunner:RunnerCommand:2"] = "first-arg",
            ["LocalRunner:ExtraEnvironment:GCS_LOCAL_ROOT"] = "/data/objects",
            ["LocalRunner:PollInterval"] = "00:00:00.050",
        });
        provider.GetRequiredService<IStartupValidator>().Validate();
        var client = provider.GetRequiredService<ICloudRunJobsClient>();
        await client.EnsureJobAsync(LocalRunnerSandbox.Job("job-di"));

        var started = await client.RunExecutionAsync("job-di", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1));
        var done = await LocalRunnerSandbox.WaitTerminalAsync(client, started.ExecutionName!);

        Assert.IsType<LocalJobRunner>(client);
        Assert.Equal(CloudRunExecutionState.Succeeded, done.State);
        Assert.Equal("first-arg /data/objects", File.ReadAllText(output).Trim());
    }

    [Theory]
    [InlineData(null, "bash", "StateFolder")]
    [InlineData("/tmp/x", null, "RunnerCommand")]
    public void AddLocalJobRunner_MissingSetting_FailsAtStartNamingIt(string? stateFolder, string? command, string named)
    {
        using var provider = Build(new() { ["LocalRunner:StateFolder"] = stateFolder, ["LocalRunner:Executor"] = "Script", ["LocalRunner:RunnerCommand:0"] = command });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLocalJobRunner_NativeByDefaultWithoutObjectsRoot_FailsAtStartNamingItButNeedsNoRunnerCommand()
    {
        using var provider = Build(new() { ["LocalRunner:StateFolder"] = "/tmp/x" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("ObjectsRoot", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("RunnerCommand", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLocalJobRunner_UnknownExecutor_FailsAtStart()
    {
        using var provider = Build(new() { ["LocalRunner:StateFolder"] = "/tmp/x", ["LocalRunner:Executor"] = "Container", ["LocalRunner:ObjectsRoot"] = "/tmp/o" });

        Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());
    }

    [Fact]
    public void ExecutionRecord_RoundTripsThroughItsFile_WithSecretReferencesButNoValues()
    {
        var path = _sandbox.PathOf("execution.json");
        var record = new LocalExecutionRecord(
            "projects/local/locations/local/jobs/j/executions/j-abcde",
            "j-abcde",
            "j",
            new Dictionary<string, string> { ["RUN_ATTEMPT"] = "1" },
            new Dictionary<string, CloudRunSecretRef> { ["ANTHROPIC_API_KEY"] = new("anthropic-api-key", "latest") },
            TimeSpan.FromMinutes(30),
            new DateTimeOffset(2026, 11, 23, 19, 0, 0, TimeSpan.Zero));

        var created = LocalStateFiles.TryCreateJson(path, record);
        var again = LocalStateFiles.TryCreateJson(path, record with { JobId = "other" });
        var read = LocalStateFiles.ReadJson<LocalExecutionRecord>(path)!;

        Assert.True(created);
        Assert.False(again, "create-once files are never replaced");
        Assert.Equal(record.Name, read.Name);
        Assert.Equal("j", read.JobId);
        Assert.Equal(new CloudRunSecretRef("anthropic-api-key", "latest"), read.Secrets["ANTHROPIC_API_KEY"]);
        Assert.Equal("1", read.Environment["RUN_ATTEMPT"]);
        Assert.Equal((record.Timeout, record.CreateTime), (read.Timeout, read.CreateTime));
    }
}
