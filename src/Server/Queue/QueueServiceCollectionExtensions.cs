using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using Orchestration.Adapters.Queue;

namespace Orchestration.Server.Queue;

/// <summary>Registers queue submissions in the standalone server.</summary>
public static class QueueServiceCollectionExtensions
{
    /// <summary>When <c>Standalone:Queue:ConnectionString</c> is set, registers the host-agnostic queue
    /// handling and the hosted service that polls <c>batch-submissions</c>; otherwise does nothing.</summary>
    /// <remarks>Call after <see cref="StandaloneServiceCollectionExtensions.AddStandaloneOrchestration"/>:
    /// hosted services start in registration order, and the reader must start after the engine.</remarks>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The host's configuration.</param>
    /// <returns>The services.</returns>
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(QueueOptions))]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = StandaloneServiceCollectionExtensions.ReflectionBinding)]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = StandaloneServiceCollectionExtensions.ReflectionBinding)]
    public static IServiceCollection AddQueueSubmissions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrWhiteSpace(configuration[$"{QueueOptions.Section}:{nameof(QueueOptions.ConnectionString)}"]))
        {
            return services;
        }

        services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<QueueOptions>>(new SectionValidator<QueueOptions>(QueueOptions.Section));
        services.AddSingleton<IValidateOptions<SubmissionQueueOptions>>(new SectionValidator<SubmissionQueueOptions>(SubmissionQueueOptions.Section));
        services.AddSubmissionQueue(sp => sp.GetRequiredService<IOptions<QueueOptions>>().Value.ConnectionString);
        services.AddHostedService<QueueSubmissionService>();
        return services;
    }
}
