using System.Text.Json;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Planning;
using Orchestration.Durable;

namespace Orchestration.Workflows.Service;

/// <summary>The status document: batch store + durable runtime status + custom statuses.</summary>
public sealed partial class BatchService
{
    /// <summary>Completes once the batch's orchestration has ended (its status is final by then: the orchestration
    /// writes it before it ends); a progress view waits on it next to its own pace, so it shows the end at once.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The wait (on the embedded engine, woken by the instance's own changes, not polled).</returns>
    public Task WaitForEndAsync(string batchId, CancellationToken cancellationToken = default) =>
        client.WaitForInstanceCompletionAsync(batchId, getInputsAndOutputs: false, cancellationToken);

    /// <summary>A batch's status with live progress: the batch's folded counts of finished chunks plus
    /// the live chunks' own counts (found by instance-id prefix).</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The document, or null for an unknown batch.</returns>
    public async Task<BatchStatusDocument?> GetStatusAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var stored = await batches.GetAsync(batchId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        // The row is read on every poll for its status; the document it carries is parsed once per submission.
        var batch = catalog.Parse(stored);
        // With its input (a few ids and settings): a rerun is told by it, and some backends return the custom status only so.
        var instance = await client.GetInstanceAsync(batchId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        var rerunStarting = await RerunStartingAsync(stored, instance, cancellationToken).ConfigureAwait(false);
        var status = rerunStarting ? "running" : StatusOf(stored, instance);
        // A rerun reopens the batch: its live counts, not the aggregate it will replace, until it ends.
        if (!rerunStarting && stored.Status is not (BatchStatus.Pending or BatchStatus.Running)
            && await results.GetAggregateAsync(batchId, cancellationToken).ConfigureAwait(false) is { } json)
        {
            var aggregate = JsonSerializer.Deserialize(json.Span, WorkflowsJson.Options.Info<BatchAggregate>())!;
            var tasks = aggregate.Tasks.Select(t => new TaskStatusCounts(t.Id, t.Runs, t.Passed, t.Failed, t.Errored, t.TimedOut, t.Cancelled, t.Flagged, t.Skipped)).ToList();
            var skipped = aggregate.Total.Skipped;
            return new BatchStatusDocument(batchId, status, stored.CreatedAt, Later(stored.UpdatedAt, instance?.LastUpdatedAt),
                new ProgressSummary(stored.TotalRuns, 0, 0, stored.TotalRuns - skipped, Skipped: skipped), tasks, stored.Reason);
        }

        var (counts, inFlight, packs) = await LiveCountsAsync(batch, instance, cancellationToken).ConfigureAwait(false);
        var live = batch.Tasks.Select(t =>
        {
            var task = counts.ForTask(t.Ordinal);
            return new TaskStatusCounts(t.Id, t.N, task.Passed, task.Failed, task.Errored, task.TimedOut, task.Cancelled,
                new Dictionary<string, int> { ["*"] = task.Flagged });
        }).ToList();
        var completed = counts.Runs;
        return new BatchStatusDocument(batchId, status, stored.CreatedAt, Later(stored.UpdatedAt, instance?.LastUpdatedAt),
            new ProgressSummary(stored.TotalRuns, Math.Max(0, stored.TotalRuns - completed - inFlight), inFlight, completed, packs.Started > 0 ? packs : null), live, stored.Reason);
    }

    private async Task<(ProgressCounts Counts, int InFlight, PackProgress Packs)> LiveCountsAsync(Batch batch, OrchestrationMetadata? instance, CancellationToken cancellationToken)
    {
        var counts = ProgressCounts.ForTasks(batch.Tasks.Count);
        if (CustomStatus<BatchProgress>(instance) is { } progress && progress.Finished.TaskRuns.Count == batch.Tasks.Count)
        {
            counts = counts.Merge(progress.Finished);
        }

        var inFlight = 0;
        var packs = new PackProgress(0, 0);
        var query = new OrchestrationQuery(InstanceIdPrefix: InstanceIds.ChunkPrefix(batch.Id), Statuses: [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending]);
        await foreach (var chunk in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (CustomStatus<ChunkProgress>(chunk) is { } live && live.Finished.TaskRuns.Count == batch.Tasks.Count)
            {
                counts = counts.Merge(live.Finished);
                inFlight += live.InFlight;
                packs = new PackProgress(packs.Started + live.PacksStarted, packs.Running + live.PacksRunning);
            }
        }

        return (counts, inFlight, packs);
    }

    /// <summary>Whether a rerun of this finished batch has started and not yet reopened it (its first step does): the
    /// batch's instance is live again and runs a rerun.</summary>
    private async Task<bool> RerunStartingAsync(StoredBatch stored, OrchestrationMetadata? instance, CancellationToken cancellationToken)
    {
        if (!BatchStatusRules.IsFinished(stored.Status) || instance is null || instance.IsCompleted)
        {
            return false;
        }

        var withInput = instance.SerializedInput is null ? await client.GetInstanceAsync(stored.Id, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false) : instance;
        return withInput?.ReadInputAs<BatchInput>() is { RerunVersion: > 0 } rerun
            && await results.GetAggregateVersionAsync(stored.Id, rerun.RerunVersion, cancellationToken).ConfigureAwait(false) is null;
    }

    // Custom status is always returned; read it with the product's JSON options without fetching inputs.
    private static T? CustomStatus<T>(OrchestrationMetadata? instance) =>
        instance?.SerializedCustomStatus is { Length: > 0 } json ? JsonSerializer.Deserialize(json, WorkflowsJson.Options.Info<T>()) : default;

    private static string StatusOf(StoredBatch stored, OrchestrationMetadata? instance)
    {
        if (stored.Status == BatchStatus.Purging || BatchStatusRules.IsFinished(stored.Status))
        {
            return BatchStatusRules.Name(stored.Status);
        }

        return instance?.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Running => "running",
            OrchestrationRuntimeStatus.Failed => "failed",
            OrchestrationRuntimeStatus.Terminated => "terminated",
            _ => BatchStatusRules.Name(stored.Status),
        };
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset? b) => b is { } other && other > a ? other : a;

}
