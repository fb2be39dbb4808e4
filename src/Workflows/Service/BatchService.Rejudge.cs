using System.Globalization;
using Orchestration.Domain;
using Orchestration.Domain.Rejudging;
using Orchestration.Domain.Specs;

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
    public async Task<RejudgeResult> RejudgeAsync(string batchId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        var stored = await batches.GetAsync(batchId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return RejudgeResult.NotFound;
        }

        if (!BatchStatusRules.IsFinished(stored.Status) || await results.GetAggregateAsync(batchId, cancellationToken).ConfigureAwait(false) is null)
        {
            return RejudgeResult.Conflict(stored.Status == BatchStatus.Purging
                ? $"Batch '{batchId}' is being purged."
                : $"Batch '{batchId}' is {WireNames.Of(stored.Status)}; a rejudge needs a finished batch with its results.");
        }

        var batch = catalog.Parse(stored);
        var (rules, problems) = RejudgeRules.Read(body.Span, batch, options.Value.Limits);
        if (rules is null)
        {
            return RejudgeResult.Invalid(problems);
        }

        var bytes = new RejudgeRequest(rules.Request, rules.Tasks).ToUtf8();
        for (var version = await HighestRejudgeAsync(stored.Id, stored.Nonce, cancellationToken).ConfigureAwait(false) + 1; version <= MaxVersions; version++)
        {
            using var content = new MemoryStream(bytes, writable: false);
            var put = await objects.PutIfAbsentAsync(RulesObject(stored.Id, stored.Nonce, version), content, "application/json", cancellationToken).ConfigureAwait(false);
            if (put.Created)
            {
                await EnsureRejudgeScheduledAsync(stored.Id, stored.Nonce, version, batch, cancellationToken).ConfigureAwait(false);
                return RejudgeResult.Accepted(version);
            }
        }

        return RejudgeResult.Conflict($"Batch '{batchId}' has {MaxVersions} aggregate versions; purge it or submit it again.");
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
        if (stored is null || version < 2 || await objects.GetMetadataAsync(RulesObject(stored.Id, stored.Nonce, version), cancellationToken).ConfigureAwait(false) is null)
        {
            return (null, false);
        }

        // Asked for but not written: its rejudge runs (or a crash came between storing the rules and scheduling).
        await EnsureRejudgeScheduledAsync(stored.Id, stored.Nonce, version, catalog.Parse(stored), cancellationToken).ConfigureAwait(false);
        return (null, true);
    }

    private static string RulesObject(string batchId, string nonce, int version) => RunnerContract.RejudgePrefix(batchId, nonce, version) + "rules.json";

    private async Task<int> HighestRejudgeAsync(string batchId, string nonce, CancellationToken cancellationToken)
    {
        var prefix = RunnerContract.SubmissionPrefix(batchId, nonce) + "_rejudge/v";
        var highest = 1;
        string? token = null;
        do
        {
            var page = await objects.ListAsync(prefix, token, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                var rest = item.Name.AsSpan(prefix.Length);
                var slash = rest.IndexOf('/');
                if (slash > 0 && int.TryParse(rest[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
                {
                    highest = Math.Max(highest, version);
                }
            }

            token = page.NextPageToken;
        }
        while (token is not null);
        return highest;
    }

    private Task<bool> EnsureRejudgeScheduledAsync(string batchId, string nonce, int version, Batch batch, CancellationToken cancellationToken) =>
        ScheduleUnlessLiveAsync(RejudgeOrchestrator.InstanceId(batchId, version), nameof(RejudgeOrchestrator),
            new RejudgeInput(batchId, nonce, version, [.. batch.Tasks.Select(t => t.N)], options.Value.Workflow.ActivityAttempts), cancellationToken);
}
