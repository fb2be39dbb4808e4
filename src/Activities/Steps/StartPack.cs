using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Storage;
using Orchestration.Domain.Planning;
using Orchestration.Domain.Specs;

namespace Orchestration.Activities.Steps;

/// <summary>Starts a pack: writes its manifest (<c>_packs/{packId}/manifest.tsv</c>, created if absent), starts one
/// execution with a task per line, and records the execution's name as <c>_packs/{packId}/execution</c>.</summary>
/// <remarks>At-least-once, like <see cref="StartRun"/>: a repeat finds the recorded execution and returns it; a repeat
/// after a crash between the manifest and the start finds the same manifest (same bytes) and starts the pack. If two
/// executions of a pack do start (an ambiguous <c>:run</c>), every task of the second loses at its attempt's claim.
/// A manifest names attempts by reference only (run key, attempt, spec and prefix URIs): no prompt, no secret.</remarks>
/// <param name="objects">The object store.</param>
/// <param name="jobs">Cloud Run.</param>
/// <param name="settings">Run settings.</param>
public sealed class StartPack(IObjectStore objects, ICloudRunJobsClient jobs, IOptions<RunSettings> settings) : IActivity<StartPackInput, StartRunResult>
{
    /// <inheritdoc />
    public async Task<StartRunResult> RunAsync(StartPackInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Entries.Count == 0)
        {
            throw new ArgumentException("A pack holds at least one attempt.", nameof(input));
        }

        var first = input.Entries[0].Attempt;
        if (input.Entries.Any(e => e.Attempt.BatchId != first.BatchId || e.Attempt.Nonce != first.Nonce))
        {
            throw new ArgumentException("A pack holds attempts of one batch submission only.", nameof(input));
        }

        var pack = RunnerContract.PackPrefix(first.BatchId, first.Nonce, input.PackId);
        var record = pack + RunnerContract.ExecutionObject;
        if (await StartRun.ReadTextAsync(objects, record, cancellationToken).ConfigureAwait(false) is { } recorded)
        {
            return new StartRunResult(recorded, 0);
        }

        var manifest = Manifest(input.Entries);
        var manifestName = pack + RunnerContract.PackManifestObject;
        using (var body = new MemoryStream(manifest))
        {
            var put = await objects.PutIfAbsentAsync(manifestName, body, "text/tab-separated-values", cancellationToken).ConfigureAwait(false);
            if (!put.Created && await StartRun.ReadTextAsync(objects, manifestName, cancellationToken).ConfigureAwait(false) is { } existing
                && existing != Encoding.UTF8.GetString(manifest).Trim())
            {
                throw new InvalidOperationException($"Pack {input.PackId} already has a manifest with other attempts.");
            }
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [RunnerContract.PackManifestVariable] = settings.Value.Uri(manifestName),
        };
        var timeout = AttemptTimeLimits.Default.ExecutionTimeout(input.TimeoutSeconds);
        var started = await jobs.RunExecutionAsync(input.JobId, environment, timeout, input.Entries.Count, cancellationToken).ConfigureAwait(false);
        return await StartRun.RecordAsync(objects, record, started, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One line per attempt: run key, attempt, spec URI and attempt prefix URI, tab-separated.</summary>
    private byte[] Manifest(IReadOnlyList<PackEntry> entries)
    {
        var text = new StringBuilder();
        foreach (var (attempt, specUri) in entries)
        {
            var prefix = RunnerContract.AttemptPrefix(attempt.BatchId, attempt.Nonce, attempt.TaskId, attempt.RunIndex, attempt.Attempt);
            text.Append(InstanceIds.Run(attempt.BatchId, new RunRef(attempt.TaskOrdinal, attempt.RunIndex))).Append('\t')
                .Append(attempt.Attempt.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(specUri).Append('\t')
                .Append(settings.Value.Uri(prefix)).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
