using Orchestration.Activities.Steps;
using Orchestration.Domain;
using Orchestration.Domain.Rejudging;
using Orchestration.Domain.Rerunning;

namespace Orchestration.Workflows.Service;

/// <summary>Rejudge: new judging rules over a finished batch's stored results, as a new aggregate version.</summary>
public sealed partial class BatchService
{
    private const int MaxVersions = 1000;

    /// <summary>Checks the rules, stores them as the next aggregate version's rejudge and schedules its
    /// <see cref="RejudgeOrchestrator"/>. Nothing runs again; the version appears once every run was judged.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="body">The rules (<see cref="RejudgeRules"/>).</param>
    /// <param name="cancellationToken">Cancels the call (not the rejudge once scheduled).</param>
    /// <returns>Accepted with the version, invalid (every problem), not found, or conflict while the batch has not finished.</returns>
    public async Task<VersionRequestResult> RejudgeAsync(string batchId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        var stored = await batches.GetAsync(batchId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return VersionRequestResult.NotFound;
        }

        if (!BatchStatusRules.IsFinished(stored.Status) || await results.GetAggregateAsync(batchId, cancellationToken).ConfigureAwait(false) is null)
        {
            return VersionRequestResult.Conflict(stored.Status == BatchStatus.Purging
                ? $"Batch '{batchId}' is being purged."
                : $"Batch '{batchId}' is {WireNames.Of(stored.Status)}; a rejudge needs a finished batch with its results.");
        }

        if (await RerunStartingAsync(stored, await client.GetInstanceAsync(batchId, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false))
        {
            return VersionRequestResult.Conflict($"Batch '{batchId}' is running (a rerun); rejudge it once it has finished.");
        }

        var batch = catalog.Parse(stored);
        var (rules, problems) = RejudgeRules.Read(body.Span, batch, options.Value.Limits);
        if (rules is null)
        {
            return VersionRequestResult.Invalid(problems);
        }

        if (await ClaimVersionAsync(stored, new VersionRequest(new RejudgeRequest(rules.Request, rules.Tasks), null), claimed: null, cancellationToken).ConfigureAwait(false) is not { } version)
        {
            return VersionRequestResult.Conflict($"Batch '{batchId}' has {MaxVersions} results versions; purge it or submit it again.");
        }

        await EnsureRejudgeScheduledAsync(stored.Id, stored.Nonce, version, batch, cancellationToken).ConfigureAwait(false);
        return VersionRequestResult.Accepted(version);
    }

    /// <summary>One aggregate version: 1 is the aggregate the batch ended with, 2 and up its rejudges.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The JSON and whether the version is still being computed (then the JSON is null); (null, false)
    /// when there is no such version.</returns>
    public async Task<(ReadOnlyMemory<byte>? Document, bool Pending)> GetResultsVersionAsync(string batchId, int version, CancellationToken cancellationToken = default)
    {
        if (await results.GetAggregateVersionAsync(batchId, version, cancellationToken).ConfigureAwait(false) is { } document)
        {
            return (document, false);
        }

        var stored = await batches.GetAsync(batchId, cancellationToken).ConfigureAwait(false);
        if (stored is null || version < 2
            || await VersionObjects.ReadAsync(objects, stored.Id, stored.Nonce, version, cancellationToken).ConfigureAwait(false) is not { } request)
        {
            return (null, false);
        }

        if (request.Rerun is not null)
        {
            // A rerun writes its version when it ends; one that never started (a crash before, or another won) never will.
            return (null, await RerunStartedAsync(stored.Id, version, cancellationToken).ConfigureAwait(false));
        }

        // Asked for but not written: its rejudge runs (or a crash came between storing the rules and scheduling).
        await EnsureRejudgeScheduledAsync(stored.Id, stored.Nonce, version, catalog.Parse(stored), cancellationToken).ConfigureAwait(false);
        return (null, true);
    }

    private Task<bool> EnsureRejudgeScheduledAsync(string batchId, string nonce, int version, Batch batch, CancellationToken cancellationToken) =>
        ScheduleUnlessLiveAsync(RejudgeOrchestrator.InstanceId(batchId, version), nameof(RejudgeOrchestrator),
            new RejudgeInput(batchId, nonce, version, [.. batch.Tasks.Select(t => t.N)], options.Value.Workflow.ActivityAttempts), cancellationToken);
}
