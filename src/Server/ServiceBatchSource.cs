using Orchestration.Workflows.Service;

namespace Orchestration.Server;

/// <summary>A batch read from the in-process batch service.</summary>
/// <param name="service">The batch service.</param>
internal sealed class ServiceBatchSource(BatchService service) : IBatchSource
{
    private string? _ended;

    public Task<BatchStatusDocument?> GetStatusAsync(string batchId, CancellationToken cancellationToken = default) =>
        service.GetStatusAsync(batchId, cancellationToken);

    public async Task<BatchPoll?> PollAsync(string batchId, TimeSpan? wait, CancellationToken cancellationToken = default)
    {
        if (wait is { } delay && _ended != batchId)
        {
            // The view's pace, cut short by the batch's end: `run` shows the result (and exits) at once, not up to a
            // pace later. Once seen, only the pace (a batch rerun after its end must not be read in a busy loop).
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var end = service.WaitForEndAsync(batchId, waiting.Token);
            var first = await Task.WhenAny(Task.Delay(delay, waiting.Token), end).ConfigureAwait(false);
            await waiting.CancelAsync().ConfigureAwait(false);
            await end.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (first == end && end.IsCompletedSuccessfully)
            {
                _ended = batchId;
            }
        }
        else if (wait is { } pace)
        {
            await Task.Delay(pace, cancellationToken).ConfigureAwait(false);
        }

        return await service.GetStatusAsync(batchId, cancellationToken).ConfigureAwait(false) is { } status
            ? new BatchPoll(status, BatchWatcher.IsFinished(status), null)
            : null;
    }

    public Task<ReadOnlyMemory<byte>?> GetResultsAsync(string batchId, CancellationToken cancellationToken = default) =>
        service.GetResultsAsync(batchId, cancellationToken);
}
