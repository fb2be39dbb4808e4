using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Orchestration.Server.Tests;

/// <summary>The standalone host refuses to start on a bad setting, naming the key, instead of failing at
/// the first submit.</summary>
public sealed class OptionsValidationTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("options-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Theory]
    [InlineData("Orchestration:Batches:MaxBundleBytes", "0")]
    [InlineData("Orchestration:Batches:Limits:MaxTasks", "0")]
    [InlineData("Orchestration:Batches:Defaults:MaxAttempts", "0")]
    [InlineData("Orchestration:Batches:Defaults:N", "5000")]
    [InlineData("Orchestration:Batches:Workflow:ChunkSize", "0")]
    [InlineData("Orchestration:Retention:Days", "0")]
    public async Task StartAsync_BadSetting_FailsNamingTheKey(string key, string value)
    {
        // Arrange
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddStandaloneOrchestration(builder.Configuration, _data);
        using var host = builder.Build();

        // Act
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        // Assert
        Assert.Contains(key.Split(':')[^1], error.Message, StringComparison.Ordinal);
        if (key.StartsWith("Orchestration:Batches:", StringComparison.Ordinal))
        {
            Assert.Contains(key, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task StartAsync_DefaultSettings_Starts()
    {
        // Arrange
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Services.AddStandaloneOrchestration(builder.Configuration, _data);
        using var host = builder.Build();
        host.Services.GetRequiredService<DataFolder>().Create();

        // Act
        await host.StartAsync();

        // Assert
        Assert.NotNull(host.Services.GetRequiredService<Workflows.Service.BatchService>());
        await host.StopAsync();
    }
}
