using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestration.Durable;

namespace Orchestration.Engine;

/// <summary>Registers the embedded durable engine.</summary>
public static class EngineServiceCollectionExtensions
{
    /// <summary>Adds the engine as a hosted service and its <see cref="DurableTaskClient"/> as a singleton.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the file, limits, JSON options and registers orchestrators and activities.</param>
    /// <returns>The services.</returns>
    /// <remarks>A registered <see cref="TimeProvider"/> is used for timers and timestamps (a fake one in tests).</remarks>
    public static IServiceCollection AddEmbeddedDurableEngine(this IServiceCollection services, Action<EmbeddedEngineOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        // The [Range] checks through a source-generated validator (no reflection over the options' members).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmbeddedEngineOptions>, EmbeddedEngineOptionsValidator>());
        services.AddOptions<EmbeddedEngineOptions>()
            .Configure(configure)
            .Validate(o => o.UseTemporaryFile || !string.IsNullOrWhiteSpace(o.DatabasePath), "EmbeddedEngine: set DatabasePath or UseTemporaryFile.")
            .ValidateOnStart();
        services.TryAddSingleton(sp => new DurableEngine(
            sp.GetRequiredService<IOptions<EmbeddedEngineOptions>>().Value,
            sp,
            sp.GetService<ILoggerFactory>(),
            sp.GetService<TimeProvider>()));
        services.AddHostedService(sp => sp.GetRequiredService<DurableEngine>());
        services.TryAddSingleton(sp => sp.GetRequiredService<DurableEngine>().Client);
        return services;
    }
}
