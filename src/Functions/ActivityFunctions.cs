using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Steps;
using Orchestration.Workflows;
using Orchestration.Workflows.Purge;

namespace Orchestration.Functions;

/// <summary>One activity function per activity of <see cref="WorkflowCatalog.Activities"/>, each running the
/// catalog's own adapter (the one the embedded engine runs) under the activity's class name.</summary>
public static class ActivityFunctions
{
    /// <summary>Resolves and pins inputs, writes specs, ensures jobs; returns the plan.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>The batch plan.</returns>
    [Function(nameof(PrepareBatch))]
    public static Task<BatchPlan> PrepareBatchActivity([ActivityTrigger] PrepareBatchInput input, FunctionContext context) =>
        CatalogActivity.RunAsync<BatchPlan>(nameof(PrepareBatch), input, context);

    /// <summary>Reopens a finished batch for a rerun and plans the runs it runs again.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>The rerun plan.</returns>
    [Function(nameof(PrepareRerun))]
    public static Task<RerunPlan> PrepareRerunActivity([ActivityTrigger] PrepareRerunInput input, FunctionContext context) =>
        CatalogActivity.RunAsync<RerunPlan>(nameof(PrepareRerun), input, context);

    /// <summary>Starts one attempt's Cloud Run execution.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>The start result.</returns>
    [Function(nameof(StartRun))]
    public static Task<StartRunResult> StartRunActivity([ActivityTrigger] StartRunInput input, FunctionContext context) =>
        CatalogActivity.RunAsync<StartRunResult>(nameof(StartRun), input, context);

    /// <summary>Starts one pack's Cloud Run execution (a task per attempt of its manifest).</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>The start result.</returns>
    [Function(nameof(StartPack))]
    public static Task<StartRunResult> StartPackActivity([ActivityTrigger] StartPackInput input, FunctionContext context) =>
        CatalogActivity.RunAsync<StartRunResult>(nameof(StartPack), input, context);

    /// <summary>Polls one execution.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>The check result.</returns>
    [Function(nameof(CheckRun))]
    public static Task<CheckRunResult> CheckRunActivity([ActivityTrigger] CheckRunInput input, FunctionContext context) =>
        CatalogActivity.RunAsync<CheckRunResult>(nameof(CheckRun), input, context);

    /// <summary>Cancels one execution.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>Whether a cancel was sent.</returns>
    [Function(nameof(CancelRun))]
    public static Task<bool> CancelRunActivity([ActivityTrigger] CancelRunInput input, FunctionContext context) =>
        CatalogActivity.RunAsync<bool>(nameof(CancelRun), input, context);

    /// <summary>Reads, judges and stores one run's result.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>The run summary.</returns>
    [Function(nameof(CollectResult))]
    public static Task<RunSummary> CollectResultActivity([ActivityTrigger] CollectResultInput input, FunctionContext context) =>
        CatalogActivity.RunAsync<RunSummary>(nameof(CollectResult), input, context);

    /// <summary>Writes the batch aggregate and final status.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>The batch summary.</returns>
    [Function(nameof(PersistAggregate))]
    public static Task<BatchSummary> PersistAggregateActivity([ActivityTrigger] PersistAggregateInput input, FunctionContext context) =>
        CatalogActivity.RunAsync<BatchSummary>(nameof(PersistAggregate), input, context);

    /// <summary>Sends the batch's webhook.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>Whether it was delivered.</returns>
    [Function(nameof(NotifyWebhook))]
    public static Task<bool> NotifyWebhookActivity([ActivityTrigger] NotifyWebhookInput input, FunctionContext context) =>
        CatalogActivity.RunAsync<bool>(nameof(NotifyWebhook), input, context);

    /// <summary>Purge step 1: deletes the batch's orchestration history. Takes the durable client: an activity
    /// function may bind <c>[DurableClient]</c> like any other function.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="client">The durable client of this invocation.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>Instances purged.</returns>
    [Function(nameof(PurgeBatchHistory))]
    public static Task<int> PurgeBatchHistoryActivity([ActivityTrigger] PurgeStepInput input, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        CatalogActivity.RunAsync<int>(nameof(PurgeBatchHistory), input, context, client);

    /// <summary>Purge step 2: deletes the submission's objects.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>Objects deleted.</returns>
    [Function(nameof(PurgeBatchObjects))]
    public static Task<int> PurgeBatchObjectsActivity([ActivityTrigger] PurgeStepInput input, FunctionContext context) =>
        CatalogActivity.RunAsync<int>(nameof(PurgeBatchObjects), input, context);

    /// <summary>Purge step 3: deletes the batch's rows and aggregate.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>Whether the batch had an aggregate.</returns>
    [Function(nameof(PurgeBatchResults))]
    public static Task<bool> PurgeBatchResultsActivity([ActivityTrigger] PurgeStepInput input, FunctionContext context) =>
        CatalogActivity.RunAsync<bool>(nameof(PurgeBatchResults), input, context);

    /// <summary>Purge step 4: deletes the batch record.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>Whether the record was deleted.</returns>
    [Function(nameof(PurgeBatchRecord))]
    public static Task<bool> PurgeBatchRecordActivity([ActivityTrigger] PurgeStepInput input, FunctionContext context) =>
        CatalogActivity.RunAsync<bool>(nameof(PurgeBatchRecord), input, context);

    /// <summary>Deletes the history of earlier completed purges. Takes the durable client.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="client">The durable client of this invocation.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>Purge instances deleted.</returns>
    [Function(nameof(PurgeFinishedPurges))]
    public static Task<int> PurgeFinishedPurgesActivity([ActivityTrigger] PurgeCleanupInput input, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        CatalogActivity.RunAsync<int>(nameof(PurgeFinishedPurges), input, context, client);

    /// <summary>Rejudge: judges one chunk of a finished batch's runs again with the new rules.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>The chunk's counts.</returns>
    [Function(nameof(RejudgeRuns))]
    public static Task<RejudgeChunkSummary> RejudgeRunsActivity([ActivityTrigger] RejudgeChunkInput input, FunctionContext context) =>
        CatalogActivity.RunAsync<RejudgeChunkSummary>(nameof(RejudgeRuns), input, context);

    /// <summary>Rejudge: writes the new aggregate version from the chunks' judgements.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>The rejudge's counts.</returns>
    [Function(nameof(PersistRejudge))]
    public static Task<RejudgeChunkSummary> PersistRejudgeActivity([ActivityTrigger] PersistRejudgeInput input, FunctionContext context) =>
        CatalogActivity.RunAsync<RejudgeChunkSummary>(nameof(PersistRejudge), input, context);
}
