using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestration.Activities.CloudRun;

namespace Orchestration.Adapters.LocalRunner;

/// <summary>Composition of the local job runner (standalone host, local mode).</summary>
public static class LocalRunnerServiceCollectionExtensions
{
    /// <summary>Registers <see cref="LocalJobRunner"/> as the <see cref="ICloudRunJobsClient"/>, with <see cref="LocalRunnerOptions"/> validated at start.</summary>
    /// <remarks>Like the other adapters it does not replace an <see cref="ICloudRunJobsClient"/> registered before: a host picks one mode.</remarks>
    /// <param name="services">The services.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddLocalJobRunner(this IServiceCollection services)
    {
        services.AddOptions<LocalRunnerOptions>()
            .BindConfiguration(LocalRunnerOptions.Section)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LocalRunnerOptions>, LocalRunnerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LocalJobRunner>();
        services.TryAddSingleton<ICloudRunJobsClient>(sp => sp.GetRequiredService<LocalJobRunner>());
        return services;
    }
}
