using System.Security.Cryptography;
using System.Text;
using Orchestration.Activities.Steps;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Rerunning;
using Orchestration.Durable;

namespace Orchestration.Workflows.Service;

/// <summary>Rerun: new attempts for the runs of a finished batch that ended errored, timed out (or cancelled), as part
/// of the same batch, making its next results version.</summary>
public sealed partial class BatchService
{
    // How long a rerun waits for a finished batch's orchestration to end (its last steps after the final status).
    private static readonly TimeSpan FinishingWait = TimeSpan.FromSeconds(30);

    /// <summary>Checks the request, stores it as the next results version's maker and starts the batch's orchestration
    /// again for those runs (same inputs, specs and jobs; attempt numbers go on). The batch is running again until the
    /// rerun ends and writes that version.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="body">Empty (errored and timed-out runs) or <c>{"outcomes": [...]}</c>.</param>
    /// <param name="idempotencyKey">The <c>Idempotency-Key</c> header: a repeat with the same key answers the rerun it
    /// started, whatever the batch's state now.</param>
    /// <param name="cancellationToken">Cancels the call (not the rerun once started).</param>
    /// <returns>Accepted with the version, invalid, not found, or conflict (running, purging, nothing to rerun).</returns>
    public async Task<VersionRequestResult> RerunAsync(string batchId, ReadOnlyMemory<byte> body, string? idempotencyKey, CancellationToken cancellationToken = default)
    {
        var stored = await batches.GetAsync(batchId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return VersionRequestResult.NotFound;
        }

        // The versions claimed so far, listed once: a repeat's key, a rejudge under way and the next free version are read from them.
        var claimed = await VersionObjects.ClaimedAsync(objects, stored.Id, stored.Nonce, cancellationToken).ConfigureAwait(false);
        var keyHash = string.IsNullOrEmpty(idempotencyKey) ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)));
        if (keyHash is not null && await RerunWithKeyAsync(stored, claimed, keyHash, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return VersionRequestResult.Accepted(earlier.Version, earlier.Runs);
        }

        var (selection, problems) = RerunRequest.ReadOutcomes(body.Span);
        if (selection is not var (outcomes, skipped))
        {
            return VersionRequestResult.Invalid(problems);
        }

        var ended = BatchStatusRules.IsFinished(stored.Status) && await InstanceEndedAsync(stored, cancellationToken).ConfigureAwait(false);
        var aggregate = await results.ReadAggregateAsync(batchId, null, cancellationToken).ConfigureAwait(false);
        if (!ended || aggregate is null)
        {
            return VersionRequestResult.Conflict(stored.Status == BatchStatus.Purging
                ? $"Batch '{batchId}' is being purged."
                : $"Batch '{batchId}' is {(BatchStatusRules.IsFinished(stored.Status) ? "running" : WireNames.Of(stored.Status))}; a rerun needs a finished batch with its results.");
        }

        if (await RejudgeUnderWayAsync(stored, claimed, cancellationToken).ConfigureAwait(false) is { } judging)
        {
            return VersionRequestResult.Conflict($"Batch '{batchId}' is being rejudged (version {judging}); rerun it once that version is written.");
        }

        var runs = aggregate.Tasks.Sum(t => outcomes.Sum(o => Count(t, o)) + (skipped ? t.Skipped : 0));
        if (runs == 0)
        {
            return VersionRequestResult.Conflict($"Batch '{batchId}' has no {string.Join(" or ", RerunRequest.Names(outcomes, skipped))} runs to rerun.");
        }

        var request = new VersionRequest(null, new RerunRequest(outcomes, time.GetUtcNow(), keyHash, runs, skipped));
        if (await ClaimVersionAsync(stored, request, claimed, cancellationToken).ConfigureAwait(false) is not { } version)
        {
            return VersionRequestResult.Conflict($"Batch '{batchId}' has {MaxVersions} results versions; purge it or submit it again.");
        }

        if (!await StartRerunAsync(batchId, version, cancellationToken).ConfigureAwait(false))
        {
            // Another rerun started first: a repeat of this request (same key) gets that one; anything else conflicts.
            return keyHash is not null
                && await RerunWithKeyAsync(stored, await VersionObjects.ClaimedAsync(objects, stored.Id, stored.Nonce, cancellationToken).ConfigureAwait(false), keyHash, cancellationToken).ConfigureAwait(false) is { } winner
                ? VersionRequestResult.Accepted(winner.Version, winner.Runs)
                : VersionRequestResult.Conflict($"Batch '{batchId}' is running (another rerun started first).");
        }

        Logs.RerunScheduled(logger, batchId, version, runs);
        return VersionRequestResult.Accepted(version, runs);
    }

    // Whether the finished batch's orchestration has ended: a rerun starts it again. Right after the batch's status
    // became final, its orchestration may still be finishing (the webhook): wait a little for it; a rerun starting is live.
    private async Task<bool> InstanceEndedAsync(StoredBatch stored, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(stored.Id, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        if (instance is null || instance.IsCompleted)
        {
            return true;
        }

        if (await RerunStartingAsync(stored, instance, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(FinishingWait);
        try
        {
            return (await client.WaitForInstanceCompletionAsync(stored.Id, getInputsAndOutputs: false, wait.Token).ConfigureAwait(false)).IsCompleted;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    // Which outcomes a task's aggregate counted; runs never reported count as cancelled there too (skipped when a cost
    // cap stopped the batch).
    private static int Count(TaskAggregate task, RunOutcome outcome) => outcome switch
    {
        RunOutcome.Errored => task.Errored,
        RunOutcome.TimedOut => task.TimedOut,
        RunOutcome.Cancelled => task.Cancelled,
        _ => 0,
    };

    /// <summary>Claims the next free results version for <paramref name="request"/> (create-if-absent of its request
    /// object, so concurrent rejudges and reruns never share a version), trying from after the highest of
    /// <paramref name="claimed"/> (listed here when not given).</summary>
    private async Task<int?> ClaimVersionAsync(StoredBatch stored, VersionRequest request, IReadOnlyList<int>? claimed, CancellationToken cancellationToken)
    {
        var bytes = request.ToUtf8();
        claimed ??= await VersionObjects.ClaimedAsync(objects, stored.Id, stored.Nonce, cancellationToken).ConfigureAwait(false);
        for (var version = Math.Max(1, claimed.LastOrDefault()) + 1; version <= MaxVersions; version++)
        {
            using var content = new MemoryStream(bytes, writable: false);
            var put = await objects.PutIfAbsentAsync(VersionObjects.RequestObject(stored.Id, stored.Nonce, version), content, "application/json", cancellationToken).ConfigureAwait(false);
            if (put.Created)
            {
                return version;
            }
        }

        return null;
    }

    // The rejudge still judging (the highest version claimed, not yet written), if any: a rerun would change the rows it reads.
    private async Task<int?> RejudgeUnderWayAsync(StoredBatch stored, IReadOnlyList<int> claimed, CancellationToken cancellationToken)
    {
        if (claimed.Count == 0 || await results.GetAggregateVersionAsync(stored.Id, claimed[^1], cancellationToken).ConfigureAwait(false) is not null)
        {
            return null;
        }

        var request = await VersionObjects.ReadAsync(objects, stored.Id, stored.Nonce, claimed[^1], cancellationToken).ConfigureAwait(false);
        return request?.Rejudge is not null ? claimed[^1] : null;
    }

    // The rerun a request with this key already started: its version and how many runs it named.
    private async Task<(int Version, int Runs)?> RerunWithKeyAsync(StoredBatch stored, IReadOnlyList<int> claimed, string keyHash, CancellationToken cancellationToken)
    {
        foreach (var version in claimed)
        {
            if ((await VersionObjects.ReadAsync(objects, stored.Id, stored.Nonce, version, cancellationToken).ConfigureAwait(false))?.Rerun is { } rerun
                && rerun.KeyHash == keyHash && await RerunStartedAsync(stored.Id, version, cancellationToken).ConfigureAwait(false))
            {
                return (version, rerun.Runs);
            }
        }

        return null;
    }

    // Whether rerun version N ever started: its results version exists, or the batch's orchestration runs it.
    private async Task<bool> RerunStartedAsync(string batchId, int version, CancellationToken cancellationToken)
    {
        if (await results.GetAggregateVersionAsync(batchId, version, cancellationToken).ConfigureAwait(false) is not null)
        {
            return true;
        }

        var instance = await client.GetInstanceAsync(batchId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        return instance?.ReadInputAs<BatchInput>()?.RerunVersion == version;
    }

    /// <summary>Starts the batch's orchestration again as the rerun making <paramref name="version"/>: the ended instance
    /// is purged (backends differ on reusing an id) and scheduled anew. False when an instance is live.</summary>
    private async Task<bool> StartRerunAsync(string batchId, int version, CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(batchId, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            if (!existing.IsCompleted)
            {
                return false;
            }

            await client.PurgeInstanceAsync(batchId, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(BatchOrchestrator), new BatchInput(batchId, options.Value.Workflow, version),
                new StartOrchestrationOptions(batchId), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (InvalidOperationException)
        {
            // A concurrent rerun scheduled it between our purge and schedule.
            return false;
        }
    }
}
