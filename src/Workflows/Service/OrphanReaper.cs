using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestration.Activities;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Stores;
using Orchestration.Domain.Planning;
using Orchestration.Domain.Specs;
using Orchestration.Durable;

namespace Orchestration.Workflows.Service;

/// <summary>Cancels this deployment's executions whose run is over or unknown, and deletes its jobs left
/// unused (a region holds 1,000 jobs). Hosts call it from a timer.</summary>
/// <remarks>An execution belongs to a run through its <c>RUN_PREFIX</c> override
/// (<c>gs://bucket/runs/{batch}/{nonce}/{task}/{index}/a{k}/</c>). It is an orphan when the batch is
/// gone, or the run's orchestrations (its first, and its reruns') are missing or finished: nothing will ever poll it again, and it
/// would bill until its timeout.</remarks>
/// <param name="jobs">Cloud Run (or the local runner).</param>
/// <param name="client">The durable client.</param>
/// <param name="batches">The batch store.</param>
/// <param name="catalog">Stored batches, parsed.</param>
/// <param name="settings">Run settings (job prefix).</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logs what was reaped.</param>
public sealed class OrphanReaper(
    ICloudRunJobsClient jobs, DurableTaskClient client, IBatchStore batches, BatchCatalog catalog,
    IOptions<RunSettings> settings, TimeProvider time, ILogger<OrphanReaper> logger)
{
    /// <summary>One pass.</summary>
    /// <param name="unusedJobAge">Delete jobs with no execution for this long; null keeps every job.</param>
    /// <param name="cancellationToken">Cancels the pass.</param>
    /// <returns>Executions cancelled and jobs deleted.</returns>
    public async Task<(int Cancelled, int JobsDeleted)> ReapAsync(TimeSpan? unusedJobAge = null, CancellationToken cancellationToken = default)
    {
        var cancelled = 0;
        var deleted = 0;
        var prefix = settings.Value.JobPrefix + "-";
        var labels = RunnerContract.JobLabels(settings.Value.JobPrefix);
        string? jobPage = null;
        do
        {
            var page = await jobs.ListJobsAsync(prefix, labels, jobPage, cancellationToken).ConfigureAwait(false);
            foreach (var job in page.Items)
            {
                var (orphans, active) = await ReapJobAsync(job.Id, cancellationToken).ConfigureAwait(false);
                cancelled += orphans;
                var lastUse = job.LastExecutionTime ?? job.CreateTime;
                if (unusedJobAge is { } age && active == 0 && lastUse is { } used && time.GetUtcNow() - used > age
                    && await jobs.DeleteJobAsync(job.Id, cancellationToken).ConfigureAwait(false))
                {
                    deleted++;
                }
            }

            jobPage = page.NextPageToken;
        }
        while (jobPage is not null);

        if (cancelled + deleted > 0)
        {
            // A pass that found nothing stays silent: the reaper runs every minute locally.
            Logs.Reaped(logger, cancelled, deleted);
        }

        return (cancelled, deleted);
    }

    private async Task<(int Cancelled, int Active)> ReapJobAsync(string jobId, CancellationToken cancellationToken)
    {
        var cancelled = 0;
        var active = 0;
        string? token = null;
        do
        {
            var page = await jobs.ListExecutionsAsync(jobId, token, null, cancellationToken).ConfigureAwait(false);
            foreach (var execution in page.Items.Where(e => !e.IsTerminal))
            {
                if (await IsOrphanAsync(execution, cancellationToken).ConfigureAwait(false))
                {
                    cancelled += await jobs.CancelExecutionAsync(execution.Name, cancellationToken).ConfigureAwait(false) ? 1 : 0;
                }
                else
                {
                    active++;
                }
            }

            token = page.NextPageToken;
        }
        while (token is not null);

        return (cancelled, active);
    }

    private async Task<bool> IsOrphanAsync(CloudRunExecution execution, CancellationToken cancellationToken)
    {
        if (!execution.Environment.TryGetValue(RunnerContract.PrefixVariable, out var uri))
        {
            return false; // not started by this product's StartRun: leave it alone
        }

        if (!RunnerContract.TryParseAttemptPrefix(uri, out var address))
        {
            return false;
        }

        var (batchId, nonce, taskId, runIndex) = (address.BatchId, address.Nonce, address.TaskId, address.RunIndex);
        var stored = await batches.GetAsync(batchId, cancellationToken).ConfigureAwait(false);
        if (stored is null || stored.Nonce != nonce)
        {
            return true;
        }

        var (_, batch) = await catalog.GetAsync(batchId, nonce, cancellationToken).ConfigureAwait(false);
        var task = batch.Tasks.FirstOrDefault(t => t.Id == taskId);
        if (task is null)
        {
            return true;
        }

        var run = new RunRef(task.Ordinal, runIndex);
        var instance = await client.GetInstanceAsync(InstanceIds.Run(batchId, run), cancellationToken).ConfigureAwait(false);
        if (instance is { IsCompleted: false })
        {
            return false;
        }

        // The run's first orchestration is over; a rerun's (its own id under the run's) may be polling this execution.
        var reruns = new OrchestrationQuery(InstanceIdPrefix: InstanceIds.RerunPrefix(batchId, run), Statuses: [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending]);
        await foreach (var _ in client.GetAllInstancesAsync(reruns).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        return true;
    }
}
