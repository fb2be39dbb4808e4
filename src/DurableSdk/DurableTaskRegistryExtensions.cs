using Orchestration.Workflows;
using Real = Microsoft.DurableTask;

namespace Orchestration.DurableSdk;

/// <summary>Registers the workflow catalog with a Durable Task SDK worker (outside Azure Functions, where the
/// worker SDK's generated functions do the same).</summary>
public static class DurableTaskRegistryExtensions
{
    /// <summary>Adds every orchestrator and activity of <see cref="WorkflowCatalog"/> under its catalog name.</summary>
    /// <param name="registry">The worker's registry.</param>
    /// <returns>The registry.</returns>
    /// <remarks>Activities resolve their classes from the worker's services, as in the other hosts.</remarks>
    public static Real.DurableTaskRegistry AddOrchestrationWorkflows(this Real.DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        WorkflowCatalog.Register(
            (name, create) => registry.AddOrchestrator(name.Name, () => new SdkOrchestrator(create(EmptyServices.Instance))),
            (name, create) => registry.AddActivity(name.Name, sp => new SdkActivity(create(sp))));
        return registry;
    }

    /// <summary>Orchestrators take no services (they only coordinate).</summary>
    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
