using Microsoft.Extensions.Options;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Storage;
using Orchestration.Activities.Stores;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Planning;
using Orchestration.Domain.Specs;

namespace Orchestration.Activities.Steps;

/// <summary>Prepares a rerun of a finished batch: reopens the batch (running again), picks the runs whose outcome the
/// rerun names, and plans them on the batch's own specs (inputs pinned when it first ran: nothing is pinned again) and
/// jobs (ensured again: an unused job may have been deleted since).</summary>
/// <remarks>At-least-once: nothing changes the rows before it returns (the rerun's runs start after), so a repeat picks
/// the same runs. The batch reopens only if its status was written before the rerun was asked for, so a late repeat
/// after the rerun ended changes nothing.</remarks>
/// <param name="catalog">Stored batches.</param>
/// <param name="batches">The batch store (reopen).</param>
/// <param name="results">The result store (rows).</param>
/// <param name="objects">The object store (the request, the specs).</param>
/// <param name="jobs">Cloud Run (or the local runner).</param>
/// <param name="settings">Run settings.</param>
/// <param name="time">The clock.</param>
public sealed class PrepareRerun(
    BatchCatalog catalog, IBatchStore batches, IResultStore results, IObjectStore objects, ICloudRunJobsClient jobs,
    IOptions<RunSettings> settings, TimeProvider time) : IActivity<PrepareRerunInput, RerunPlan>
{
    /// <inheritdoc />
    public async Task<RerunPlan> RunAsync(PrepareRerunInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (stored, batch) = await catalog.GetAsync(input.BatchId, cancellationToken: cancellationToken).ConfigureAwait(false);
        var request = (await VersionObjects.ReadRequiredAsync(objects, batch.Id, stored.Nonce, input.Version, cancellationToken).ConfigureAwait(false)).Rerun
            ?? throw new InvalidOperationException($"Results version {input.Version} of batch '{batch.Id}' is no rerun.");
        await batches.ReopenAsync(batch.Id, request.RequestedAt, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);

        var rows = (await results.ReadAllRunsAsync(batch.Id, batch.TotalRuns, cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => (r.TaskOrdinal, r.RunIndex));

        // A run never reported counts as cancelled, or as skipped where a cost cap stopped the batch (as its aggregate says).
        var skippedBefore = (await results.ReadAggregateAsync(batch.Id, null, cancellationToken).ConfigureAwait(false))?.Total.Skipped > 0;
        var options = settings.Value;
        var prices = options.Prices;
        var jobIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var tasks = new List<TaskPlan>(batch.Tasks.Count);
        var runs = new List<RerunRun>();
        var kept = ProgressCounts.ForTasks(batch.Tasks.Count);
        var keptUsd = 0m;
        foreach (var task in batch.Tasks)
        {
            for (var index = 0; index < task.N; index++)
            {
                var row = rows.GetValueOrDefault((task.Ordinal, index));
                var named = row is null
                    ? (skippedBefore ? request.Skipped : request.Outcomes.Contains(RunOutcome.Cancelled))
                    : request.Outcomes.Contains(row.Outcome);
                if (named)
                {
                    runs.Add(new RerunRun(task.Ordinal, index, NextAttempt(row)));
                }
                else if (row is not null)
                {
                    kept = kept.Add(task.Ordinal, row.Outcome, row.Flags.Count > 0 && row.Outcome != RunOutcome.Cancelled);
                    keptUsd += row.CostUsd ?? 0m;
                }
                else if (!skippedBefore)
                {
                    kept = kept.Add(task.Ordinal, RunOutcome.Cancelled, flagged: false);
                }
            }

            var specName = RunnerContract.SpecObject(batch.Id, stored.Nonce, task.Id);
            if (await objects.GetMetadataAsync(specName, cancellationToken).ConfigureAwait(false) is null)
            {
                throw new PreparationException($"Task '{task.Id}' has no stored spec ({specName}); its runs cannot be run again as they first ran.");
            }

            var jobId = await PrepareBatch.EnsureJobAsync(jobs, options, task, jobIds, input.Packed, cancellationToken).ConfigureAwait(false);
            tasks.Add(new TaskPlan(task.Ordinal, task.Id, task.Kind, task.N, task.MaxAttempts, task.TimeoutSeconds, jobId, options.Uri(specName),
                batch.MaxCostUsd is null ? null : BudgetGate.AttemptUpperUsd(task, prices, AttemptTimeLimits.Default)));
        }

        // Under a cost cap the rerun spends what the kept runs left (a rerun run's own cost counts all its attempts).
        return new RerunPlan(
            new BatchPlan(batch.Id, stored.Nonce, batch.MaxParallelRuns, batch.WebhookUrl is not null, tasks, batch.MaxCostUsd), runs,
            batch.MaxCostUsd is null ? kept : kept with { SpentUsd = keptUsd });
    }

    // One past the highest attempt the run had (its row's attempt log; attempts never written still count).
    private static int NextAttempt(RunRow? row) =>
        row is null ? 1 : Math.Max(row.Attempts, row.AttemptLog.Count == 0 ? 0 : row.AttemptLog.Max(a => a.Attempt)) + 1;
}
