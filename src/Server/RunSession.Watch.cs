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
                    await _err.WriteLineAsync(await DetachAsync(batchId).ConfigureAwait(false)).ConfigureAwait(false);
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

    /// <summary>Leaves the batch to a background host, which takes the data folder once this process has let it go.</summary>
    private async Task<string> DetachAsync(string batchId)
    {
        var data = new DataFolder(Path.GetFullPath(arguments.DataFolder));
        try
        {
            var pid = BackgroundHost.Start(data);
            return $"Detached. Batch {batchId} goes on in a background host (pid {pid}, log {BackgroundHost.Log(data)}), which ends once no batch is running. " +
                $"To watch it, run the same command again (it takes the batch over): {ResumeCommand()}";
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            await _err.WriteLineAsync($"Could not start the background host: {ex.Message}").ConfigureAwait(false);
            return $"Detached. Batch {batchId}'s runs in flight keep going as local processes; the rest wait. To go on, run the same command again: {ResumeCommand()}";
        }
    }

    private string ResumeCommand()
    {
        var data = Path.GetFullPath(arguments.DataFolder) == Path.GetFullPath(DataFolder.Default) ? "" : $" --data {arguments.DataFolder}";
        var json = arguments.Json ? " --json" : "";
        var claude = arguments.AllowLocalClaude ? " --allow-local-claude" : "";
        var parallel = arguments.Parallel is { } n ? $" --parallel {n}" : "";
        return $"orchestration run {Path.GetRelativePath(Environment.CurrentDirectory, arguments.File.FullName)}{data}{json}{claude}{parallel}";
    }
}
