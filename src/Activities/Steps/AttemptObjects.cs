using System.Text;
using Orchestration.Activities.Storage;
using Orchestration.Domain;
using Orchestration.Domain.Documents;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Specs;

namespace Orchestration.Activities.Steps;

/// <summary>Reads what an attempt left for judging: its result.json, and its captured texts as far as the judge
/// looks (CollectResult judges with them, RejudgeRuns judges again with them).</summary>
internal static class AttemptObjects
{
    /// <summary>The attempt's result.json: the result, or why it cannot be read; (null, null) when there is none.</summary>
    public static async Task<(RunResult? Result, string? Unreadable)> ReadResultAsync(IObjectStore objects, string prefix, CancellationToken cancellationToken)
    {
        var json = await StartRun.ReadTextAsync(objects, prefix + RunnerContract.ResultObject, cancellationToken).ConfigureAwait(false);
        if (json is null)
        {
            return (null, null);
        }

        return RunResultJson.TryParse(json, out var result, out var error)
            ? (result, null)
            : (null, $"The runner's result.json cannot be read: {error}");
    }

    /// <summary>The texts <paramref name="task"/>'s rules read from an attempt: its response always, stdout and stderr
    /// only when a rule reads them (each capped as <see cref="ReadCappedAsync"/>).</summary>
    public static async Task<RunTexts> ReadTextsAsync(IObjectStore objects, BatchTask task, string prefix, CancellationToken cancellationToken)
    {
        var response = await ReadCappedAsync(objects, prefix + RunnerContract.ResponseObject, cancellationToken).ConfigureAwait(false);
        var stdout = Judge.Reads(task, FlagStream.Stdout) ? await ReadCappedAsync(objects, prefix + RunnerContract.StdoutObject, cancellationToken).ConfigureAwait(false) : null;
        var stderr = Judge.Reads(task, FlagStream.Stderr) ? await ReadCappedAsync(objects, prefix + RunnerContract.StderrObject, cancellationToken).ConfigureAwait(false) : null;
        return new RunTexts(response, stdout, stderr);
    }

    /// <summary>A captured text, at most what the judge looks at (plus one byte, so it can tell it was cut).</summary>
    public static async Task<string?> ReadCappedAsync(IObjectStore objects, string name, CancellationToken cancellationToken)
    {
        await using var content = await objects.GetAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            return null;
        }

        // The judge looks at most MaxResponseBytes; read one byte more so it can tell that it was cut. The
        // buffer starts at the object's length (most responses are a few bytes; a buffer of the cap per run
        // allocated gigabytes in a large batch) and grows only if the object turns out longer than that.
        var limit = JudgeOptions.Default.MaxResponseBytes + 1;
        var buffer = new byte[(int)Math.Clamp((content.Length ?? limit) + 1, 1, limit)];
        var total = 0;
        int read;
        while ((read = await content.Stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total == buffer.Length)
            {
                if (total >= limit)
                {
                    break;
                }

                Array.Resize(ref buffer, (int)Math.Min((long)total * 2, limit));
            }
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }
}
