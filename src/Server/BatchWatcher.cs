using System.Text;
using System.Text.Json;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Workflows.Service;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orchestration.Server;

/// <summary>The progress view <c>run</c> and <c>status --watch</c> share: a live table per task on a terminal
/// (one line per change otherwise) until the batch finishes, then the aggregate table or JSON.</summary>
/// <param name="source">Where the batch is read from.</param>
/// <param name="output">Standard output (tables, the aggregate JSON).</param>
/// <param name="error">Standard error (messages; progress lines when the output is JSON).</param>
/// <param name="json">Print the aggregate JSON instead of the table.</param>
internal sealed class BatchWatcher(IBatchSource source, TextWriter output, TextWriter error, bool json)
{
    private static readonly string[] Finished = [.. Enum.GetValues<BatchStatus>().Where(BatchStatusRules.IsFinished).Select(BatchStatusRules.Name)];
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(500);

    /// <summary>Whether the live view (and rounded borders) is used: a terminal, and no JSON asked for.</summary>
    public bool Interactive { get; } = !json && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static bool IsFinished(BatchStatusDocument status) => IsFinished(status.Status);

    public static bool IsFinished(string status) => Finished.Contains(status, StringComparer.Ordinal);

    /// <summary>Shows progress until the batch finishes or <paramref name="stop"/> completes; returns the last status.</summary>
    public Task<BatchStatusDocument> FollowAsync(string batchId, Task stop, CancellationToken cancellationToken = default) =>
        Interactive ? LiveAsync(batchId, stop, cancellationToken) : PlainAsync(batchId, stop, cancellationToken);

    /// <summary>Prints the aggregate of a finished batch (table or JSON).</summary>
    /// <returns><see cref="ExitCodes.Completed"/> when the batch completed, <see cref="ExitCodes.NotCompleted"/> otherwise.</returns>
    public async Task<int> ReportAsync(BatchStatusDocument status, CancellationToken cancellationToken = default)
    {
        var aggregate = await source.GetResultsAsync(status.Id, cancellationToken).ConfigureAwait(false);
        if (aggregate is null)
        {
            await error.WriteLineAsync($"Batch {status.Id}: {status.Status}{Reason(status)}; no aggregate was written.").ConfigureAwait(false);
            return ExitCodes.NotCompleted;
        }

        if (json)
        {
            await output.WriteLineAsync(Encoding.UTF8.GetString(aggregate.Value.Span)).ConfigureAwait(false);
        }
        else
        {
            Write(ConsoleReport.Aggregate(status.Id, status.Status, JsonSerializer.Deserialize(aggregate.Value.Span, ServerJson.Options.Info<BatchAggregate>())!, ascii: !Interactive));
        }

        var completed = status.Status == "completed";
        if (!completed)
        {
            await error.WriteLineAsync($"Batch {status.Id} did not complete: {status.Status}{Reason(status)}.").ConfigureAwait(false);
        }

        return completed ? ExitCodes.Completed : ExitCodes.NotCompleted;
    }

    /// <summary>Writes a table to the output: the terminal's console, or plain ASCII 200 columns wide when redirected.</summary>
    public void Write(IRenderable renderable)
    {
        var console = Interactive ? AnsiConsole.Console : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No });
        if (!Interactive)
        {
            console.Profile.Width = 200;
        }

        console.Write(renderable);
    }

    private async Task<BatchStatusDocument> PollAsync(string batchId, Task stop, Action<BatchStatusDocument> show, CancellationToken cancellationToken)
    {
        var poll = await source.PollAsync(batchId, null, cancellationToken).ConfigureAwait(false) ?? throw Disappeared(batchId);
        while (true)
        {
            show(poll.Status);
            if (poll.Ended || stop.IsCompleted)
            {
                return poll.Status;
            }

            // The source's Retry-After when it gives one (a server long-polls it, so a change still shows at once).
            using var stopped = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var next = source.PollAsync(batchId, poll.RetryAfter ?? PollEvery, stopped.Token);
            if (await Task.WhenAny(stop, next).ConfigureAwait(false) != next)
            {
                await stopped.CancelAsync().ConfigureAwait(false);
                await next.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);

                // Stopped while waiting: one last read, so the caller sees the status as of the stop.
                poll = await source.PollAsync(batchId, null, cancellationToken).ConfigureAwait(false) ?? throw Disappeared(batchId);
                show(poll.Status);
                return poll.Status;
            }

            poll = await next.ConfigureAwait(false) ?? throw Disappeared(batchId);
        }
    }

    private static InvalidOperationException Disappeared(string batchId) => new($"Batch {batchId} disappeared (purged?).");

    private async Task<BatchStatusDocument> LiveAsync(string batchId, Task stop, CancellationToken cancellationToken)
    {
        var first = await source.GetStatusAsync(batchId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Batch {batchId} disappeared (purged?).");
        BatchStatusDocument? last = null;
        await AnsiConsole.Live(ConsoleReport.Progress(first, ascii: false)).AutoClear(false).StartAsync(async context =>
        {
            last = await PollAsync(batchId, stop, status =>
            {
                context.UpdateTarget(ConsoleReport.Progress(status, ascii: false));
                context.Refresh();
            }, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return last!;
    }

    private Task<BatchStatusDocument> PlainAsync(string batchId, Task stop, CancellationToken cancellationToken)
    {
        var progress = json ? error : output;
        string? shown = null;
        return PollAsync(batchId, stop, status =>
        {
            var p = status.Progress;
            var line = $"{status.Id}: {status.Status}, {p.Completed}/{p.Total} done, {p.Running} running";
            if (line != shown)
            {
                shown = line;
                progress.WriteLine(line);
            }
        }, cancellationToken);
    }

    private static string Reason(BatchStatusDocument status) => status.Reason is { Length: > 0 } reason ? $" ({reason})" : "";
}
