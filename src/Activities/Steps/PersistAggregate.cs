using System.Text.Json;
using Microsoft.Extensions.Options;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Storage;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Rerunning;

namespace Orchestration.Activities.Steps;

/// <summary>Computes the aggregate from the result store and the plan's totals (runs never launched count
/// as cancelled, or as skipped in a batch its cost cap stopped), stores it, and writes the batch's final status.</summary>
/// <remarks>At-least-once: recomputed from the rows each time, so a repeat writes the same document. A rerun writes
/// its results version (the aggregate becomes it), keeping the versions before.</remarks>
/// <param name="results">The result store.</param>
/// <param name="batches">The batch store.</param>
/// <param name="catalog">Stored batches (for the plan).</param>
/// <param name="settings">Run settings (prices).</param>
/// <param name="time">The clock (status time).</param>
/// <param name="objects">The object store (a rerun's request).</param>
public sealed class PersistAggregate(IResultStore results, IBatchStore batches, BatchCatalog catalog, IOptions<RunSettings> settings, TimeProvider time, IObjectStore objects)
    : IActivity<PersistAggregateInput, BatchSummary>
{
    /// <inheritdoc />
    public async Task<BatchSummary> RunAsync(PersistAggregateInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (stored, batch) = await catalog.GetAsync(input.BatchId, cancellationToken: cancellationToken).ConfigureAwait(false);
        var rows = await results.ReadAllRunsAsync(input.BatchId, batch.TotalRuns, cancellationToken).ConfigureAwait(false);
        var prices = settings.Value.Prices;
        // A rerun keeps counting as skipped the runs a cost cap kept from starting (those it did not run again).
        var skippedBefore = input.Version > 0 && (await results.ReadAggregateAsync(input.BatchId, null, cancellationToken).ConfigureAwait(false))?.Total.Skipped > 0;
        var plan = AggregatePlan.FromBatch(batch) with { UnreportedSkipped = input.Status == BatchStatus.Stopped || skippedBefore };
        var aggregate = Aggregator.Compute(plan, rows.Select(r => r.ToRecord()), prices) with
        {
            StartedAt = new DateTimeOffset(DateTime.SpecifyKind(input.StartedAt, DateTimeKind.Utc)),
            CompletedAt = new DateTimeOffset(DateTime.SpecifyKind(input.CompletedAt, DateTimeKind.Utc)),
        };
        if (input.Version == 0)
        {
            await results.PutAggregateAsync(input.BatchId, JsonSerializer.SerializeToUtf8Bytes(aggregate, ActivitiesJson.Options.Info<BatchAggregate>()), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // A rerun's version: the batch started when it first ran; the versions before stay as they were.
            var rerun = (await VersionObjects.ReadRequiredAsync(objects, input.BatchId, stored.Nonce, input.Version, cancellationToken).ConfigureAwait(false)).Rerun
                ?? throw new InvalidOperationException($"Results version {input.Version} of batch '{input.BatchId}' is no rerun.");
            var first = await results.ReadAggregateAsync(input.BatchId, 1, cancellationToken).ConfigureAwait(false);
            aggregate = aggregate with
            {
                StartedAt = first?.StartedAt ?? aggregate.StartedAt,
                Version = input.Version,
                Rerun = new RerunSummary(RerunRequest.Names(rerun.Outcomes, rerun.Skipped), input.RerunRuns, rerun.RequestedAt),
            };
            await results.PutAggregateVersionAsync(input.BatchId, input.Version, JsonSerializer.SerializeToUtf8Bytes(aggregate, ActivitiesJson.Options.Info<BatchAggregate>()), cancellationToken).ConfigureAwait(false);
        }

        await batches.SetStatusAsync(input.BatchId, input.Status, input.Reason, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);

        var total = aggregate.Total;
        return new BatchSummary(stored.Id, input.Status, total.Runs, total.Passed, total.Failed, total.Errored, total.TimedOut, total.Cancelled,
            rows.Count(r => r.Flags.Count > 0 && r.Outcome is not RunOutcome.Cancelled), input.Reason, total.Skipped);
    }
}
