using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestration.Activities;
using Orchestration.Activities.Storage;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Normalization;
using Orchestration.Durable;

namespace Orchestration.Workflows.Service;

/// <summary>What both hosts call for submit, status, results, runs, artifacts, bundles, cancel, purge and
/// list. Returns records the Api layer maps to HTTP; knows no HTTP types.</summary>
/// <remarks>Submission is store-first: the batch document goes into the batch store (insert-if-absent by id,
/// with its hash), then the orchestration is scheduled if no instance exists. A crash between the two is
/// repaired by the next submit of the same id or by <see cref="RepairAsync"/> at start-up. The service
/// checks the instance itself and relies on neither durable host's behaviour for an existing id.</remarks>
/// <param name="batches">The batch store.</param>
/// <param name="results">The result store.</param>
/// <param name="objects">The object store.</param>
/// <param name="client">The durable client.</param>
/// <param name="catalog">Stored batches, parsed.</param>
/// <param name="options">Limits, defaults and workflow settings.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logs ids and outcomes only.</param>
public sealed partial class BatchService(
    IBatchStore batches, IResultStore results, IObjectStore objects, DurableTaskClient client, BatchCatalog catalog,
    IOptions<BatchServiceOptions> options, TimeProvider time, ILogger<BatchService> logger)
{
    /// <summary>Validates, stores and starts a batch; a repeat of the same batch returns it.</summary>
    /// <param name="document">The batch JSON.</param>
    /// <param name="idempotencyKey">The <c>Idempotency-Key</c> header or queue message id, used when the document names no id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Accepted, invalid (every problem) or conflict.</returns>
    public async Task<SubmitResult> SubmitAsync(ReadOnlyMemory<byte> document, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var intake = SubmissionIntake.Read(document.Span, idempotencyKey, settings, time, out _);
        if (!intake.IsValid)
        {
            return SubmitResult.Invalid(intake.Problems);
        }

        var now = time.GetUtcNow();
        var stored = new StoredBatch(intake.Batch.Id, intake.Hash, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), BatchStatus.Pending, null,
            now, now, intake.Batch.TotalRuns, CanonicalJson.Serialize(intake.Batch));
        var inserted = await batches.InsertIfAbsentAsync(stored, cancellationToken).ConfigureAwait(false);
        switch (inserted.Outcome)
        {
            case BatchInsertOutcome.Conflict when inserted.Stored.Status == BatchStatus.Purging:
                return SubmitResult.Conflict(stored.Id, $"Batch '{stored.Id}' is being purged; submit again when the purge has finished.");
            case BatchInsertOutcome.Conflict:
                return SubmitResult.Conflict(stored.Id, $"A different batch with id '{stored.Id}' exists; choose another id.");
        }

        await EnsureScheduledAsync(stored.Id, cancellationToken).ConfigureAwait(false);
        if (inserted.Outcome == BatchInsertOutcome.Inserted)
        {
            OrchestrationTelemetry.BatchesSubmitted.Add(1);
        }

        Logs.Submitted(logger, stored.Id, inserted.Outcome == BatchInsertOutcome.Inserted, intake.Batch.TotalRuns);
        return SubmitResult.Accepted(stored.Id, inserted.Outcome == BatchInsertOutcome.Inserted);
    }

    /// <summary>Schedules every stored batch that has no orchestration yet (a crash between store and
    /// schedule), and the purge of every batch left purging whose purge orchestration is missing (a crash
    /// between marking and scheduling) or failed. Hosts call it at start-up (Functions: on a timer).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many batches or purges were scheduled.</returns>
    public async Task<int> RepairAsync(CancellationToken cancellationToken = default)
    {
        var repaired = 0;
        string? token = null;
        do
        {
            var page = await batches.ListAsync(new BatchQuery([BatchStatus.Pending, BatchStatus.Purging], PageSize: 200, ContinuationToken: token), cancellationToken).ConfigureAwait(false);
            foreach (var batch in page.Items)
            {
                if (batch.Status == BatchStatus.Purging)
                {
                    // A purge that is running or has completed is left alone: the durable engine finishes it.
                    repaired += await EnsurePurgeScheduledAsync(batch, cancellationToken).ConfigureAwait(false) ? 1 : 0;
                }
                else if (await EnsureScheduledAsync(batch.Id, cancellationToken).ConfigureAwait(false))
                {
                    repaired++;
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        return repaired;
    }

    private async Task<bool> EnsureScheduledAsync(string batchId, CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(batchId, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(BatchOrchestrator), new BatchInput(batchId, options.Value.Workflow),
                new StartOrchestrationOptions(batchId), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (InvalidOperationException)
        {
            // A concurrent submit of the same batch may have scheduled it first; anything else is a real error.
            if (await client.GetInstanceAsync(batchId, cancellationToken).ConfigureAwait(false) is null)
            {
                throw;
            }

            return false;
        }
    }
}
