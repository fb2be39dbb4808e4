using Microsoft.Extensions.Hosting;
using Orchestration.Workflows;
using Real = Microsoft.DurableTask;
using RealClient = Microsoft.DurableTask.Client;

namespace Orchestration.DurableSdk;

/// <summary>Registers the workflow catalog with a Durable Task SDK worker (outside Azure Functions, where the
/// worker SDK's generated functions do the same).</summary>
public static class DurableTaskRegistryExtensions
{
    /// <summary>Adds every orchestrator and activity of <see cref="WorkflowCatalog"/> under its catalog name;
    /// activities resolve their classes from the worker's services, as in the other hosts.</summary>
    /// <param name="registry">The worker's registry.</param>
    /// <returns>The registry.</returns>
    public static Real.DurableTaskRegistry AddOrchestrationWorkflows(this Real.DurableTaskRegistry registry) =>
        AddOrchestrationWorkflows(registry, activityServices: null);

    /// <summary>Adds every orchestrator and activity of <see cref="WorkflowCatalog"/> under its catalog name,
    /// with the activities resolving their classes from <paramref name="activityServices"/>, where the seam's
    /// durable client is the SDK client of the worker's services unless one is registered
    /// (<see cref="DurableClientServices"/>).</summary>
    /// <param name="registry">The worker's registry.</param>
    /// <param name="activityServices">Where the activity classes and their ports live when that is not the
    /// worker's own container (a worker hosted beside an application that owns them, a test harness); the
    /// worker's services when null.</param>
    /// <returns>The registry.</returns>
    public static Real.DurableTaskRegistry AddOrchestrationWorkflows(this Real.DurableTaskRegistry registry, IServiceProvider? activityServices)
    {
        ArgumentNullException.ThrowIfNull(registry);
        WorkflowCatalog.Register(
            (name, create) => registry.AddOrchestrator(name.Name, () => new SdkOrchestrator(create(EmptyServices.Instance))),
            (name, create) => registry.AddActivity(name.Name, sp => new SdkActivity(create(WithClient(activityServices, sp)), Stopping(sp))));
        return registry;
    }

    // The activities' services with the seam's client: theirs if registered, else the worker's SDK client.
    private static DurableClientServices WithClient(IServiceProvider? activityServices, IServiceProvider worker) =>
        new(activityServices ?? worker, worker.GetService(typeof(RealClient.DurableTaskClient)) as RealClient.DurableTaskClient);

    // The worker's host stopping is the only shutdown signal an SDK activity can get (its context has no token).
    private static CancellationToken Stopping(IServiceProvider services) =>
        services.GetService(typeof(IHostApplicationLifetime)) is IHostApplicationLifetime lifetime ? lifetime.ApplicationStopping : CancellationToken.None;

    /// <summary>Orchestrators take no services (they only coordinate).</summary>
    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
