using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Orchestration.Functions.Tests;

/// <summary>The Functions host's composition validates the batch settings at start, naming the key.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Orchestration:Batches:Limits:MaxRunsPerBatch", "-1")]
    [InlineData("Orchestration:Batches:MaxBundleBytes", "0")]
    [InlineData("Orchestration:Batches:Workflow:Polling:GrowthFactor", "0.5")]
    public void Validate_BadBatchSetting_FailsNamingTheKey(string key, string value)
    {
        // Arrange
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [key] = value })
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOrchestrationFunctions(configuration);
        using var provider = services.BuildServiceProvider();

        // Act
        var error = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        // Assert
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
