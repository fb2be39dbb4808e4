using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestration.Api.Queue;

namespace Orchestration.Adapters.Queue;

/// <summary>Registers the host-agnostic part of queue submissions.</summary>
public static class SubmissionQueueServiceCollectionExtensions
{
    /// <summary>Registers <see cref="SubmissionQueueOptions"/> (validated at start), the storage clients,
    /// the blob reader, <see cref="SubmissionQueueHandler"/> and <see cref="PoisonQueueWriter"/> as singletons.</summary>
    /// <remarks>The host still needs <see cref="Workflows.Service.BatchService"/> and a <see cref="TimeProvider"/>,
    /// and does the receiving: the standalone server polls, the Functions host binds a queue trigger.</remarks>
    /// <param name="services">The services.</param>
    /// <param name="connectionString">The storage account's connection string (the Functions host passes
    /// <c>AzureWebJobsStorage</c>; the standalone server its <c>Standalone:Queue:ConnectionString</c>).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSubmissionQueue(this IServiceCollection services, Func<IServiceProvider, string> connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        services.AddOptions<SubmissionQueueOptions>().BindConfiguration(SubmissionQueueOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SubmissionQueueOptions>, SubmissionQueueOptionsValidator>());
        services.AddSingleton(sp => new SubmissionQueueClients(connectionString(sp), sp.GetRequiredService<IOptions<SubmissionQueueOptions>>()));
        services.AddSingleton<ISubmissionBlobReader>(sp => new AzureSubmissionBlobReader(sp.GetRequiredService<SubmissionQueueClients>().Blobs, sp.GetRequiredService<IOptions<SubmissionQueueOptions>>()));
        services.AddSingleton<SubmissionQueueHandler>();
        services.AddSingleton<PoisonQueueWriter>();
        return services;
    }
}
