using Orchestration.Workflows.Service;

namespace Orchestration.Server;

/// <summary>Watching a batch: progress until it finishes, Ctrl-C handling, then the aggregate.</summary>
public sealed partial class RunSession
{
    private static readonly TimeSpan SecondPressWindow = TimeSpan.FromSeconds(3);

    private async Task<int> WatchAsync(BatchService service, string batchId, ILogger logger)
    {
        var watcher = new BatchWatcher(new ServiceBatchSource(service), _out, _err, arguments.Json);
        var cancelling = arguments.Cancel;
        BatchStatusDocument status;
        while (true)
        {
            status = await watcher.FollowAsync(batchId, _interrupted.Task).ConfigureAwait(false);
            if (BatchWatcher.IsFinished(status))
            {
                break;
            }

            _interrupted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!cancelling && Volatile.Read(ref _interrupts) < 2)
            {
                await _err.WriteLineAsync($"Detaching from batch {batchId}. Press Ctrl-C again within {SecondPressWindow.TotalSeconds:0} s to cancel it instead.").ConfigureAwait(false);
                var again = await Task.WhenAny(_interrupted.Task, Task.Delay(SecondPressWindow)).ConfigureAwait(false) == _interrupted.Task;
                if (!again)
                {
                    Logs.Detached(logger, batchId);
                    await _err.WriteLineAsync(
                        $"Detached. Batch {batchId}'s runs keep going as local processes. To resume watching, run the same command again: " +
                        $"{ResumeCommand()}").ConfigureAwait(false);
                    return ExitCodes.Detached;
                }

                _interrupted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            if (!cancelling)
            {
                cancelling = true;
                Logs.CancelRequested(logger, batchId);
                await service.CancelAsync(batchId).ConfigureAwait(false);
                await _err.WriteLineAsync($"Cancelling batch {batchId}; waiting for the running executions to stop.").ConfigureAwait(false);
            }
        }

        return await watcher.ReportAsync(status).ConfigureAwait(false);
    }

    private string ResumeCommand()
    {
        var data = Path.GetFullPath(arguments.DataFolder) == Path.GetFullPath(DataFolder.Default) ? "" : $" --data {arguments.DataFolder}";
        var json = arguments.Json ? " --json" : "";
        var claude = arguments.AllowLocalClaude ? " --allow-local-claude" : "";
        return $"orchestration run {Path.GetRelativePath(Environment.CurrentDirectory, arguments.File.FullName)}{data}{json}{claude}";
    }
}
