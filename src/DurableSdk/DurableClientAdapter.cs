using RealClient = Microsoft.DurableTask.Client;
using Seam = Orchestration.Durable;

namespace Orchestration.DurableSdk;

/// <summary>The SDK's durable client seen through the seam the batch service is written against: one line
/// per member, conversions in <see cref="DurableMapping"/>.</summary>
/// <param name="inner">The client the <c>[DurableClient]</c> binding gave the function.</param>
public sealed class DurableClientAdapter(RealClient.DurableTaskClient inner) : Seam.DurableTaskClient(inner.Name)
{
    /// <inheritdoc/>
    public override Task<string> ScheduleNewOrchestrationInstanceAsync(Seam.TaskName orchestratorName, object? input = null, Seam.StartOrchestrationOptions? options = null, CancellationToken cancellation = default) =>
        inner.ScheduleNewOrchestrationInstanceAsync(orchestratorName.Name, input, DurableMapping.ToReal(options), cancellation);

    /// <inheritdoc/>
    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) =>
        inner.RaiseEventAsync(instanceId, eventName, eventPayload, cancellation);

    /// <inheritdoc/>
    public override Task<Seam.OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        DurableMapping.Required(inner.WaitForInstanceStartAsync(instanceId, getInputsAndOutputs, cancellation));

    /// <inheritdoc/>
    public override Task<Seam.OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        DurableMapping.Required(inner.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs, cancellation));

    /// <inheritdoc/>
    public override Task<Seam.OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        DurableMapping.Optional(inner.GetInstanceAsync(instanceId, getInputsAndOutputs, cancellation));

    /// <inheritdoc/>
    public override Seam.AsyncPageable<Seam.OrchestrationMetadata> GetAllInstancesAsync(Seam.OrchestrationQuery? filter = null) =>
        DurableMapping.Pages(inner, filter);

    /// <inheritdoc/>
    public override Task TerminateInstanceAsync(string instanceId, Seam.TerminateInstanceOptions? options = null, CancellationToken cancellation = default) =>
        inner.TerminateInstanceAsync(instanceId, DurableMapping.ToReal(options), cancellation);

    /// <inheritdoc/>
    /// <remarks>Not one line: the SDK's backends do less than the seam promises (see <see cref="DurableMapping.PurgeAsync"/>).</remarks>
    public override Task<Seam.PurgeResult> PurgeInstanceAsync(string instanceId, Seam.PurgeInstanceOptions? options = null, CancellationToken cancellation = default) =>
        DurableMapping.PurgeAsync(inner, instanceId, options?.Recursive == true, cancellation);
}
