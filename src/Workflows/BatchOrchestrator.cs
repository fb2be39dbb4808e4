using Orchestration.Activities.Contracts;
using Orchestration.Activities.Steps;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Planning;
using Orchestration.Durable;

namespace Orchestration.Workflows;

/// <summary>A batch (instance id = batch id): prepare, run chunks K at a time within
/// <c>maxParallelRuns</c>, fold their counts, persist the aggregate, notify. Started again on the same id for a rerun
/// (<see cref="BatchInput.RerunVersion"/>): the runs it names run again in chunks and runs of their own ids, and the
/// aggregate is written as that results version.</summary>
/// <remarks>Never continues as new while children run (it would orphan them). Cancel stops launches and
/// is forwarded to the running chunks; a Fault from a chunk (a batch-level fault that keeps happening)
/// does the same and ends the batch as failed with that reason. Either way the aggregate is persisted,
/// with unfinished runs counted as cancelled. A batch with a cost cap runs one chunk at a time, each told what the
/// chunks before it spent; when a chunk stops starting runs for the cap, no further chunk starts and the batch ends
/// as stopped, its runs never started counted as skipped.</remarks>
public sealed class BatchOrchestrator : TaskOrchestrator<BatchInput, BatchSummary>
{
    /// <inheritdoc />
    public override async Task<BatchSummary> RunAsync(TaskOrchestrationContext context, BatchInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var startedAt = context.CurrentUtcDateTime;
        var retry = ActivityOptions.Retrying(input.Settings.ActivityAttempts);
        context.SetCustomStatus(new BatchProgress("preparing", 0, 0, 0, ProgressCounts.Empty));
        BatchPlan plan;
        RerunPlan? rerun = null;
        try
        {
            if (input.RerunVersion == 0)
            {
                plan = await context.CallActivityAsync<BatchPlan>(nameof(PrepareBatch), new PrepareBatchInput(input.BatchId, input.Settings.Packing), retry);
            }
            else
            {
                rerun = await context.CallActivityAsync<RerunPlan>(nameof(PrepareRerun), new PrepareRerunInput(input.BatchId, input.RerunVersion, input.Settings.Packing), retry);
                plan = rerun.Plan;
            }
        }
        catch (TaskFailedException ex)
        {
            var what = input.RerunVersion == 0 ? "The batch" : "The rerun";
            return await FinishAsync(context, input, null, BatchStatus.Failed, $"{what} could not be prepared: " + ex.FailureDetails.ErrorMessage, startedAt, ProgressCounts.Empty, 0);
        }

        var (status, reason, finished) = await RunChunksAsync(context, input, plan, rerun);
        return await FinishAsync(context, input, plan, status, reason, startedAt, finished, rerun?.Runs.Count ?? 0);
    }

    // A rerun's chunks are slices of its list of runs; the counts start from the runs it keeps as they are.
    private static async Task<(BatchStatus Status, string? Reason, ProgressCounts Finished)> RunChunksAsync(
        TaskOrchestrationContext context, BatchInput input, BatchPlan plan, RerunPlan? rerun)
    {
        var chunks = rerun is null
            ? ChunkPlanner.Chunks([.. plan.Tasks.Select(t => t.Runs)], input.Settings.ChunkSize)
            : ChunkPlanner.Chunks([rerun.Runs.Count], input.Settings.ChunkSize);
        var concurrency = plan.MaxCostUsd is null
            ? ChunkPlanner.Concurrency(plan.MaxParallelRuns, input.Settings.ChunkSize, chunks.Count)
            : BudgetGate.Concurrency(plan.MaxParallelRuns, input.Settings.ChunkSize);
        var cancel = context.WaitForExternalEvent<string>(Events.Cancel);
        var fault = context.WaitForExternalEvent<FaultNotice>(Events.Fault);
        var running = new Dictionary<Task<ProgressCounts>, int>();
        var finished = ProgressCounts.ForTasks(plan.Tasks.Count).Merge(rerun?.Kept ?? ProgressCounts.Empty);
        var next = 0;
        var done = 0;
        (BatchStatus Status, string Reason)? stop = null;
        while (true)
        {
            if (stop is null && (cancel.IsCompleted || fault.IsCompleted))
            {
                // A Cancel (or Fault) that arrived while preparing stops the batch before anything launches.
                stop = cancel.IsCompleted ? (BatchStatus.Cancelled, "Cancelled by a client.") : (BatchStatus.Failed, "Stopped early: " + (await fault).Reason);
            }

            while (stop is null && running.Count < concurrency.ChunksAtOnce && next < chunks.Count)
            {
                var chunk = chunks[next++];
                var chunkInput = new ChunkInput(plan.BatchId, plan.Nonce, chunk.Index, chunk.Start, chunk.Count, concurrency.WindowPerChunk, plan.Tasks, input.Settings,
                    input.RerunVersion, rerun is null ? null : [.. rerun.Runs.Skip(chunk.Start).Take(chunk.Count)])
                {
                    Budget = plan.MaxCostUsd is { } cap ? new ChunkBudget(cap, finished.SpentUsd ?? 0m) : null,
                };
                running[context.CallSubOrchestratorAsync<ProgressCounts>(nameof(ChunkOrchestrator), chunkInput,
                    new SubOrchestrationOptions(instanceId: InstanceIds.Chunk(plan.BatchId, chunk.Index, input.RerunVersion)))] = chunk.Index;
            }

            context.SetCustomStatus(new BatchProgress("running", plan.TotalRuns, done, chunks.Count, finished, stop?.Reason));
            if (running.Count == 0)
            {
                return stop is { } s ? (s.Status, s.Reason, finished) : (BatchStatus.Completed, null, finished);
            }

            var waits = stop is null ? running.Keys.Cast<Task>().Append(cancel).Append(fault) : running.Keys.Cast<Task>();
            var winner = await Task.WhenAny(waits);
            if (winner == cancel || winner == fault)
            {
                stop = winner == cancel
                    ? (BatchStatus.Cancelled, "Cancelled by a client.")
                    : (BatchStatus.Failed, "Stopped early: " + (await fault).Reason);
                foreach (var chunk in running.Values)
                {
                    context.SendEvent(InstanceIds.Chunk(plan.BatchId, chunk, input.RerunVersion), Events.Cancel, stop.Value.Reason);
                }

                continue;
            }

            var task = (Task<ProgressCounts>)winner;
            running.Remove(task);
            done++;
            var counts = await task;
            finished = finished.Merge(counts);
            if (stop is null && counts.BudgetStop is { } budgetStop)
            {
                stop = (BatchStatus.Stopped, budgetStop);
            }
        }
    }

    // The status keeps the counts while the aggregate is written. A rerun writes its results version.
    private static async Task<BatchSummary> FinishAsync(
        TaskOrchestrationContext context, BatchInput input, BatchPlan? plan, BatchStatus status, string? reason, DateTime startedAt, ProgressCounts finished, int rerunRuns)
    {
        var retry = ActivityOptions.Retrying(input.Settings.ActivityAttempts);
        context.SetCustomStatus(new BatchProgress("finishing", plan?.TotalRuns ?? 0, 0, 0, finished, reason));
        var summary = await context.CallActivityAsync<BatchSummary>(
            nameof(PersistAggregate), new PersistAggregateInput(input.BatchId, status, reason, startedAt, context.CurrentUtcDateTime, input.RerunVersion, rerunRuns), retry);
        if (plan?.HasWebhook == true)
        {
            try
            {
                await context.CallActivityAsync<bool>(nameof(NotifyWebhook), new NotifyWebhookInput(summary), retry);
            }
            catch (TaskFailedException)
            {
                // A webhook never fails the batch: the aggregate is persisted and the status says so.
            }
        }

        return summary;
    }
}
