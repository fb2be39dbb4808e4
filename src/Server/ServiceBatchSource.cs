using Orchestration.Workflows.Service;

namespace Orchestration.Server;

/// <summary>A batch read from the in-process batch service.</summary>
/// <param name="service">The batch service.</param>
internal sealed class ServiceBatchSource(BatchService service) : IBatchSource
{
    public Task<BatchStatusDocument?> GetStatusAsync(string batchId, CancellationToken cancellationToken = default) =>
        service.GetStatusAsync(batchId, cancellationToken);

    public async Task<BatchPoll?> PollAsync(string batchId, TimeSpan? wait, CancellationToken cancellationToken = default)
    {
        if (wait is { } delay)
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }

        return await service.GetStatusAsync(batchId, cancellationToken).ConfigureAwait(false) is { } status
            ? new BatchPoll(status, BatchWatcher.IsFinished(status), null)
            : null;
    }

    public Task<ReadOnlyMemory<byte>?> GetResultsAsync(string batchId, CancellationToken cancellationToken = default) =>
        service.GetResultsAsync(batchId, cancellationToken);
}
