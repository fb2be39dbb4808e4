using System.Text.Json;
using Microsoft.Extensions.Options;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Storage;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Rejudging;
using Orchestration.Domain.Specs;

namespace Orchestration.Activities.Steps;

/// <summary>Aggregates a rejudge's chunk judgements into a new aggregate version, with the rules it applied.</summary>
/// <remarks>At-least-once: the same judgements give the same document, and a version already stored is kept.</remarks>
/// <param name="objects">The object store (the rules and the chunks).</param>
/// <param name="results">The result store (the versions).</param>
/// <param name="catalog">Stored batches (for the plan).</param>
/// <param name="settings">Run settings (prices).</param>
public sealed class PersistRejudge(IObjectStore objects, IResultStore results, BatchCatalog catalog, IOptions<RunSettings> settings)
    : IActivity<PersistRejudgeInput, RejudgeChunkSummary>
{
    /// <inheritdoc />
    public async Task<RejudgeChunkSummary> RunAsync(PersistRejudgeInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (_, batch) = await catalog.GetAsync(input.BatchId, input.Nonce, cancellationToken).ConfigureAwait(false);
        var prefix = RunnerContract.VersionPrefix(input.BatchId, input.Nonce, input.Version);
        var request = (await VersionObjects.ReadRequiredAsync(objects, input.BatchId, input.Nonce, input.Version, cancellationToken).ConfigureAwait(false)).Rejudge
            ?? throw new InvalidOperationException($"Results version {input.Version} of batch '{input.BatchId}' is no rejudge.");
        var records = new List<RunRecord>(batch.TotalRuns);
        var unjudged = new List<UnjudgedRun>();
        int rejudged = 0, changed = 0, kept = 0;
        for (var chunk = 0; chunk < input.Chunks; chunk++)
        {
            var judged = RejudgeChunk.Parse((await RejudgeRuns.ReadRequiredAsync(objects, RejudgeRuns.ChunkObject(prefix, chunk), cancellationToken).ConfigureAwait(false)).Span);
            records.AddRange(judged.Records);
            unjudged.AddRange(judged.NotRejudgeable);
            (rejudged, changed, kept) = (rejudged + judged.Rejudged, changed + judged.Changed, kept + judged.Kept);
        }

        // The plan with the new rules' flag names, so a new rule that never fired still shows 0.
        var plan = AggregatePlan.FromBatch(batch with { Tasks = [.. batch.Tasks.Select(t => request.Tasks.GetValueOrDefault(t.Id)?.Apply(t) ?? t)] });
        var prices = settings.Value.Prices;
        var times = await results.ReadAggregateAsync(input.BatchId, 1, cancellationToken).ConfigureAwait(false);
        // Runs a cost cap kept from starting stay skipped in every version.
        var aggregate = Aggregator.Compute(plan with { UnreportedSkipped = times?.Total.Skipped > 0 }, records, prices) with
        {
            StartedAt = times?.StartedAt,
            CompletedAt = times?.CompletedAt,
            Version = input.Version,
            Rejudge = new RejudgeSummary(request.Request, rejudged, changed, kept, [.. unjudged.OrderBy(u => u.Task, StringComparer.Ordinal).ThenBy(u => u.RunIndex)]),
        };
        await results.PutAggregateVersionAsync(input.BatchId, input.Version, JsonSerializer.SerializeToUtf8Bytes(aggregate, ActivitiesJson.Options.Info<BatchAggregate>()), cancellationToken).ConfigureAwait(false);
        return new RejudgeChunkSummary(rejudged, changed, kept, unjudged.Count);
    }
}
