using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Orchestration.Api.Tests;

/// <summary><see cref="OrchestrationApi.AddOrchestrationApi"/>'s binding (generated) and validation (generated).</summary>
public sealed class ApiOptionsTests
{
    [Fact]
    public void AddOrchestrationApi_Configuration_BindsKeysAndLimits()
    {
        // Arrange
        using var services = Build(new() { ["Orchestration:Api:Keys:0"] = "k1", ["Orchestration:Api:Keys:1"] = "k2", ["Orchestration:Api:MaxBundleBytes"] = "1048576" });

        // Act
        var options = services.GetRequiredService<IOptions<ApiOptions>>().Value;

        // Assert
        Assert.Equal(["k1", "k2"], options.Keys);
        Assert.Equal(1048576, options.MaxBundleBytes);
        Assert.Equal(60, options.MaxBodySeconds);
    }

    [Fact]
    public void AddOrchestrationApi_OutOfRange_FailsNamingEachSettingAndItsRange()
    {
        // Arrange
        using var services = Build(new() { ["Orchestration:Api:MaxBodyBytes"] = "0", ["Orchestration:Api:MaxWaitSeconds"] = "231" });

        // Act
        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ApiOptions>>().Value);

        // Assert
        Assert.Equal(
            ["MaxBodyBytes: The field ApiOptions.MaxBodyBytes must be between 1 and 9.223372036854776E+18.",
             "MaxWaitSeconds: The field ApiOptions.MaxWaitSeconds must be between 0 and 230."],
            ex.Failures);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddOrchestrationApi();
        return services.BuildServiceProvider();
    }
}
