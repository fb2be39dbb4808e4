using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Api.Queue;
using Orchestration.DurableSdk;
using Orchestration.Workflows.Service;

namespace Orchestration.Functions;

/// <summary>Builds the batch service and its companions around the durable client of one invocation.</summary>
/// <remarks>In the isolated worker the durable client comes from the <c>[DurableClient]</c> binding of each
/// invocation, not from the service container, so these are created per invocation with the client adapted
/// to the seam; everything else they need comes from the container.</remarks>
/// <param name="services">The host's services.</param>
public sealed class BatchServices(IServiceProvider services)
{
    /// <summary>The batch service over <paramref name="client"/>.</summary>
    /// <param name="client">The bound durable client.</param>
    /// <returns>A batch service.</returns>
    public BatchService For(DurableTaskClient client) =>
        ActivatorUtilities.CreateInstance<BatchService>(services, new DurableClientAdapter(client));

    /// <summary>The shared queue submission handler (src/Api/Queue) over <paramref name="client"/>.</summary>
    /// <param name="client">The bound durable client.</param>
    /// <returns>A submission handler.</returns>
    public SubmissionQueueHandler QueueHandlerFor(DurableTaskClient client) =>
        ActivatorUtilities.CreateInstance<SubmissionQueueHandler>(services, For(client));

    /// <summary>The orphan reaper over <paramref name="client"/>.</summary>
    /// <param name="client">The bound durable client.</param>
    /// <returns>An orphan reaper.</returns>
    public OrphanReaper ReaperFor(DurableTaskClient client) =>
        ActivatorUtilities.CreateInstance<OrphanReaper>(services, new DurableClientAdapter(client));

    /// <summary>The retention sweeper over <paramref name="client"/>.</summary>
    /// <param name="client">The bound durable client.</param>
    /// <returns>A retention sweeper.</returns>
    public RetentionSweeper SweeperFor(DurableTaskClient client) =>
        ActivatorUtilities.CreateInstance<RetentionSweeper>(services, For(client));
}
