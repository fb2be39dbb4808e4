using Orchestration.Workflows.Service;

namespace Orchestration.Server;

/// <summary>A batch read from the in-process batch service.</summary>
/// <param name="service">The batch service.</param>
internal sealed class ServiceBatchSource(BatchService service) : IBatchSource
{
    public Task<BatchStatusDocument?> GetStatusAsync(string batchId, CancellationToken cancellationToken = default) =>
        service.GetStatusAsync(batchId, cancellationToken);

    public Task<ReadOnlyMemory<byte>?> GetResultsAsync(string batchId, CancellationToken cancellationToken = default) =>
        service.GetResultsAsync(batchId, cancellationToken);
}
