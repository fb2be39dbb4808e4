using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Orchestration.Engine.Tests;

public sealed class OptionsValidationTests
{
    [Fact]
    public void Validate_ZeroConcurrentActivities_FailsNamingTheSetting()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddEmbeddedDurableEngine(o =>
        {
            o.UseTemporaryFile = true;
            o.MaxConcurrentActivities = 0;
        });
        using var provider = services.BuildServiceProvider();

        // Act
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        // Assert
        Assert.Contains(nameof(EmbeddedEngineOptions.MaxConcurrentActivities), error.Message, StringComparison.Ordinal);
    }
}
