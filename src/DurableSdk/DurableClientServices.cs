using Microsoft.Extensions.DependencyInjection;
using RealClient = Microsoft.DurableTask.Client;
using Seam = Orchestration.Durable;

namespace Orchestration.DurableSdk;

/// <summary>A host's services with the seam's durable client added, for the activities that take it.</summary>
/// <remarks>An SDK host has the SDK's <c>DurableTaskClient</c> (a worker beside <c>AddDurableTaskClient</c>) or gets
/// one per invocation (the <c>[DurableClient]</c> binding of an Azure Functions activity), never the seam's; the
/// catalog builds those activities from these services. A seam client the host registered itself wins, then
/// <paramref name="client"/>, then the SDK client of <paramref name="inner"/>.</remarks>
/// <param name="inner">The host's services.</param>
/// <param name="client">The bound client, or the worker's own when the activities' services are another container.</param>
public sealed class DurableClientServices(IServiceProvider inner, RealClient.DurableTaskClient? client = null) : IServiceProvider
{
    /// <inheritdoc/>
    public object? GetService(Type serviceType)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceType == typeof(IServiceProviderIsService))
        {
            // ActivatorUtilities asks which constructor parameters are services: the added client is one.
            return inner.GetService(serviceType) is IServiceProviderIsService known ? new WithClient(known) : null;
        }

        if (serviceType != typeof(Seam.DurableTaskClient))
        {
            return inner.GetService(serviceType);
        }

        return inner.GetService(serviceType)
            ?? ((client ?? inner.GetService(typeof(RealClient.DurableTaskClient))) is RealClient.DurableTaskClient real ? new DurableClientAdapter(real) : null);
    }

    private sealed class WithClient(IServiceProviderIsService inner) : IServiceProviderIsService
    {
        public bool IsService(Type serviceType) => serviceType == typeof(Seam.DurableTaskClient) || inner.IsService(serviceType);
    }
}
