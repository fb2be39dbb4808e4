namespace Orchestration.Workflows.Tests.Engines;

/// <summary>A running Durable Task SDK backend with the workflow catalog registered on its worker
/// (<c>AddOrchestrationWorkflows</c>, data converter on <c>BatchJson.Options</c>), whose activities resolve
/// their classes from the harness's services. The harness sees it through <see cref="Client"/>, wrapped by
/// the seam's <c>DurableClientAdapter</c>.</summary>
public interface ISdkBackend : IAsyncDisposable
{
    /// <summary>The SDK's client of the backend's task hub.</summary>
    Microsoft.DurableTask.Client.DurableTaskClient Client { get; }
}
