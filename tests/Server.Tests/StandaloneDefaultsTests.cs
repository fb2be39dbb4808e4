using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestration.Adapters.LocalRunner;
using Orchestration.Domain;
using Orchestration.Workflows;
using Orchestration.Workflows.Service;

namespace Orchestration.Server.Tests;

/// <summary>The standalone host's defaults for how many runs a batch keeps in flight: cores x 4 for local
/// runs, the batch default on Cloud Run, and a configured value over either.</summary>
public sealed class StandaloneDefaultsTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("defaults-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public void LocalMode_BatchWithoutMaxParallelRuns_GetsCoresTimesFourAndTheRunnerDoesNotCapIt()
    {
        using var services = Services([]);

        var batches = services.GetRequiredService<IOptions<BatchServiceOptions>>().Value;
        var runner = services.GetRequiredService<IOptions<LocalRunnerOptions>>().Value;

        Assert.Equal(Environment.ProcessorCount * 4, batches.Defaults.MaxParallelRuns);
        Assert.Equal(Environment.ProcessorCount * 4, StandaloneServiceCollectionExtensions.LocalMaxParallelRuns);
        Assert.True(runner.MaxParallelExecutions >= batches.Defaults.MaxParallelRuns, $"the local runner caps at {runner.MaxParallelExecutions}");
    }

    [Fact]
    public void LocalMode_LimitBelowCoresTimesFour_DefaultFollowsTheLimit()
    {
        using var services = Services(new() { ["Orchestration:Batches:Limits:MaxParallelRuns"] = "2" });

        var batches = services.GetRequiredService<IOptions<BatchServiceOptions>>().Value;

        Assert.Equal(Math.Min(2, Environment.ProcessorCount * 4), batches.Defaults.MaxParallelRuns);
    }

    [Fact]
    public void LocalMode_ConfiguredDefault_Kept()
    {
        using var services = Services(new() { ["Orchestration:Batches:Defaults:MaxParallelRuns"] = "7" });

        Assert.Equal(7, services.GetRequiredService<IOptions<BatchServiceOptions>>().Value.Defaults.MaxParallelRuns);
    }

    [Fact]
    public void CloudMode_BatchWithoutMaxParallelRuns_KeepsTheBatchDefault()
    {
        using var services = Services(new() { ["Google:CloudRun:Project"] = "proj", ["Google:CloudRun:Region"] = "europe-west1", ["Google:Storage:Bucket"] = "b" });

        Assert.Equal(new BatchDefaults().MaxParallelRuns, services.GetRequiredService<IOptions<BatchServiceOptions>>().Value.Defaults.MaxParallelRuns);
    }

    [Fact]
    public void CloudMode_PackSizeConfigured_BatchesPackThatMany()
    {
        using var services = Services(new()
        {
            ["Google:CloudRun:Project"] = "proj",
            ["Google:CloudRun:Region"] = "europe-west1",
            ["Google:Storage:Bucket"] = "b",
            ["Orchestration:Runs:PackSize"] = "40",
        });
        using var unset = Services(new() { ["Google:CloudRun:Project"] = "proj", ["Google:CloudRun:Region"] = "europe-west1", ["Google:Storage:Bucket"] = "b" });

        Assert.Equal(40, services.GetRequiredService<IOptions<BatchServiceOptions>>().Value.Workflow.PackSize);
        Assert.Equal(WorkflowSettings.CloudPackSize, unset.GetRequiredService<IOptions<BatchServiceOptions>>().Value.Workflow.PackSize);
    }

    [Fact]
    public void LocalMode_PackSizeConfigured_OneAttemptPerExecutionStill()
    {
        using var services = Services(new() { ["Orchestration:Runs:PackSize"] = "40" });

        Assert.Equal(1, services.GetRequiredService<IOptions<BatchServiceOptions>>().Value.Workflow.PackSize);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void LocalMode_NativeWorkingFiles_InAPrivateMemoryFolderOfThisDataFolder_UnlessConfigured()
    {
        using var services = Services([]);
        using var configured = Services(new() { ["LocalRunner:ScratchFolder"] = "" });

        var scratch = services.GetRequiredService<IOptions<LocalRunnerOptions>>().Value.ScratchFolder;
        var other = new DataFolder(_data + "-other").MemoryScratch();

        Assert.NotNull(scratch);
        Assert.StartsWith("/dev/shm/orchestration-", scratch, StringComparison.Ordinal);
        Assert.Equal(scratch, new DataFolder(_data).MemoryScratch());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(scratch));
        Assert.NotEqual(scratch, other);
        Assert.Equal("", configured.GetRequiredService<IOptions<LocalRunnerOptions>>().Value.ScratchFolder);
        Directory.Delete(other!);

        // A folder of that name that others may read is not used.
        File.SetUnixFileMode(scratch, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        try
        {
            Assert.Null(new DataFolder(_data).MemoryScratch());
        }
        finally
        {
            Directory.Delete(scratch);
        }
    }

    private ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddStandaloneOrchestration(configuration, _data);
        return services.BuildServiceProvider();
    }
}
