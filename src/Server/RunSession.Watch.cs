using System.Text;
using System.Text.Json;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Workflows.Service;
using Spectre.Console;

namespace Orchestration.Server;

/// <summary>Watching a batch: progress until it finishes, Ctrl-C handling, then the aggregate.</summary>
public sealed partial class RunSession
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan SecondPressWindow = TimeSpan.FromSeconds(3);

    private async Task<int> WatchAsync(BatchService service, string batchId, ILogger logger)
    {
        var interactive = !arguments.Json && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        var cancelling = arguments.Cancel;
        BatchStatusDocument status;
        while (true)
        {
            status = interactive ? await LiveAsync(service, batchId).ConfigureAwait(false) : await PlainAsync(service, batchId).ConfigureAwait(false);
            if (IsFinished(status))
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

        return await ReportAsync(service, status, interactive).ConfigureAwait(false);
    }

    private string ResumeCommand()
    {
        var data = Path.GetFullPath(arguments.DataFolder) == Path.GetFullPath(DataFolder.Default) ? "" : $" --data {arguments.DataFolder}";
        var json = arguments.Json ? " --json" : "";
        var claude = arguments.AllowLocalClaude ? " --allow-local-claude" : "";
        return $"orchestration run {Path.GetRelativePath(Environment.CurrentDirectory, arguments.File.FullName)}{data}{json}{claude}";
    }

    /// <summary>Polls until the batch finishes or Ctrl-C is pressed; returns the last status.</summary>
    private async Task<BatchStatusDocument> PollAsync(BatchService service, string batchId, Action<BatchStatusDocument> show)
    {
        while (true)
        {
            var status = await service.GetStatusAsync(batchId).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Batch {batchId} disappeared from the store.");
            show(status);
            if (IsFinished(status) || _interrupted.Task.IsCompleted)
            {
                return status;
            }

            await Task.WhenAny(_interrupted.Task, Task.Delay(PollEvery)).ConfigureAwait(false);
        }
    }

    private async Task<BatchStatusDocument> LiveAsync(BatchService service, string batchId)
    {
        var first = await service.GetStatusAsync(batchId).ConfigureAwait(false);
        BatchStatusDocument? last = null;
        await AnsiConsole.Live(ConsoleReport.Progress(first!, ascii: false)).AutoClear(false).StartAsync(async context =>
        {
            last = await PollAsync(service, batchId, status =>
            {
                context.UpdateTarget(ConsoleReport.Progress(status, ascii: false));
                context.Refresh();
            }).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return last!;
    }

    private Task<BatchStatusDocument> PlainAsync(BatchService service, string batchId)
    {
        var progress = arguments.Json ? _err : _out;
        string? shown = null;
        return PollAsync(service, batchId, status =>
        {
            var p = status.Progress;
            var line = $"{status.Id}: {status.Status}, {p.Completed}/{p.Total} done, {p.Running} running";
            if (line != shown)
            {
                shown = line;
                progress.WriteLine(line);
            }
        });
    }

    private async Task<int> ReportAsync(BatchService service, BatchStatusDocument status, bool interactive)
    {
        var json = await service.GetResultsAsync(status.Id).ConfigureAwait(false);
        if (json is null)
        {
            await _err.WriteLineAsync($"Batch {status.Id}: {status.Status}{Reason(status)}; no aggregate was written.").ConfigureAwait(false);
            return ExitCodes.NotCompleted;
        }

        if (arguments.Json)
        {
            await _out.WriteLineAsync(Encoding.UTF8.GetString(json.Value.Span)).ConfigureAwait(false);
        }
        else
        {
            var aggregate = JsonSerializer.Deserialize<BatchAggregate>(json.Value.Span, BatchJson.Options)!;
            var console = interactive ? AnsiConsole.Console : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_out), Ansi = AnsiSupport.No });
            if (!interactive)
            {
                console.Profile.Width = 200;
            }

            console.Write(ConsoleReport.Aggregate(status.Id, status.Status, aggregate, ascii: !interactive));
        }

        var completed = status.Status == "completed";
        if (!completed)
        {
            await _err.WriteLineAsync($"Batch {status.Id} did not complete: {status.Status}{Reason(status)}.").ConfigureAwait(false);
        }

        return completed ? ExitCodes.Completed : ExitCodes.NotCompleted;
    }

    private static string Reason(BatchStatusDocument status) => status.Reason is { Length: > 0 } reason ? $" ({reason})" : "";
}
