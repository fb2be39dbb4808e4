using Microsoft.Extensions.DependencyInjection;
using Orchestration.Activities.CloudRun;

namespace Orchestration.Workflows.Tests;

internal static class ServiceProviderJobs
{
    /// <summary>The jobs client the activities use (the fake, the local runner, or a decorator of them).</summary>
    public static ICloudRunJobsClient GetJobs(this IServiceProvider services) => services.GetRequiredService<ICloudRunJobsClient>();
}
