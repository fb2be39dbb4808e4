using Orchestration.Durable;
using Orchestration.Workflows.Purge;

namespace Orchestration.Workflows;

/// <summary>Purges one submission of a finished batch (instance id <see cref="InstanceId"/>): its orchestration
/// history, its objects, its rows and aggregate, and its record last, each step an activity retried by the
/// project's policy; then removes the history of earlier completed purges.</summary>
/// <remarks>A durable workflow rather than background work of the request: a host that stops midway (a Functions
/// worker recycled after the 202, a crash of <c>serve</c>) resumes it where it stopped. Every step is safe to run
/// twice. The record goes last, so the id answers conflict until everything else is gone, and a purge that fails
/// past its retries leaves the batch purging with nothing half-deleted that a new submission could meet: the batch
/// service schedules it again (DELETE again, or <c>RepairAsync</c>).</remarks>
public sealed class PurgeOrchestrator : TaskOrchestrator<PurgeInput, PurgeSummary>
{
    /// <summary>What every purge instance id starts with.</summary>
    /// <remarks>A batch id starts with a letter or digit (<c>BatchIds.Pattern</c>) and the batch's own instances
    /// are named under <c>{batchId}:</c>, so no batch's instance can start with <c>_</c>: a query by this prefix
    /// finds purges only, and a batch's prefix never finds a purge. <c>_</c> and <c>:</c> are allowed in instance
    /// ids by the embedded engine, the SDK's backends and Azure Storage (whose table keys refuse <c>/ \ # ?</c>
    /// and control characters; ids starting with <c>@</c> are entities).</remarks>
    public const string InstanceIdPrefix = "_purge:";

    /// <summary>The purge instance of one submission: <c>_purge:{batchId}:{nonce}</c>, so scheduling twice finds
    /// the first, and a later submission of the same id gets a purge of its own.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="nonce">The submission's nonce.</param>
    /// <returns>The instance id.</returns>
    public static string InstanceId(string batchId, string nonce) => $"{InstanceIdPrefix}{batchId}:{nonce}";

    /// <inheritdoc />
    public override async Task<PurgeSummary> RunAsync(TaskOrchestrationContext context, PurgeInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var retry = ActivityOptions.Retrying(input.ActivityAttempts);
        var step = new PurgeStepInput(input.BatchId, input.Nonce);
        var instances = await context.CallActivityAsync<int>(nameof(PurgeBatchHistory), step, retry);
        var objects = await context.CallActivityAsync<int>(nameof(PurgeBatchObjects), step, retry);
        var hadAggregate = await context.CallActivityAsync<bool>(nameof(PurgeBatchResults), step, retry);
        var recordDeleted = await context.CallActivityAsync<bool>(nameof(PurgeBatchRecord), step, retry);
        try
        {
            await context.CallActivityAsync<int>(nameof(PurgeFinishedPurges), new PurgeCleanupInput(context.InstanceId), retry);
        }
        catch (TaskFailedException)
        {
            // Housekeeping never fails a purge whose batch is gone: the next purge does it again.
        }

        return new PurgeSummary(input.BatchId, instances, objects, hadAggregate, recordDeleted);
    }
}
