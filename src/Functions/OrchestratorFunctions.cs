using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Orchestration.Activities.Contracts;
using Orchestration.Domain.Aggregation;
using Orchestration.DurableSdk;
using Orchestration.Workflows;

namespace Orchestration.Functions;

/// <summary>One orchestrator function per orchestrator of <see cref="WorkflowCatalog.Orchestrators"/>, each a
/// one-line delegation through <see cref="DurableContextAdapter"/>. The function name is the class name, as in
/// the embedded engine, so instance ids, names and histories mean the same thing in both hosts.</summary>
/// <remarks>The input arrives as the second parameter (the worker extension binds the orchestration input to
/// it), serialized with the worker's serializer, which the host sets to <c>BatchJson.Options</c>.</remarks>
public static class OrchestratorFunctions
{
    /// <summary>The batch orchestrator (instance id = batch id).</summary>
    /// <param name="context">The SDK's orchestration context.</param>
    /// <param name="input">The batch input.</param>
    /// <returns>The batch summary.</returns>
    [Function(nameof(Workflows.BatchOrchestrator))]
    public static Task<BatchSummary> Batch([OrchestrationTrigger] TaskOrchestrationContext context, BatchInput input) =>
        new Workflows.BatchOrchestrator().RunAsync(new DurableContextAdapter(context), input);

    /// <summary>The chunk orchestrator (instance id = <c>{batchId}:c{chunk}</c>).</summary>
    /// <param name="context">The SDK's orchestration context.</param>
    /// <param name="input">The chunk input.</param>
    /// <returns>The chunk's progress counts.</returns>
    [Function(nameof(Workflows.ChunkOrchestrator))]
    public static Task<ProgressCounts> Chunk([OrchestrationTrigger] TaskOrchestrationContext context, ChunkInput input) =>
        new Workflows.ChunkOrchestrator().RunAsync(new DurableContextAdapter(context), input);

    /// <summary>The run orchestrator (instance id = <c>{batchId}:t{ord}:r{idx}</c>).</summary>
    /// <param name="context">The SDK's orchestration context.</param>
    /// <param name="input">The run input.</param>
    /// <returns>The run summary.</returns>
    [Function(nameof(Workflows.RunOrchestrator))]
    public static Task<RunSummary> Run([OrchestrationTrigger] TaskOrchestrationContext context, RunInput input) =>
        new Workflows.RunOrchestrator().RunAsync(new DurableContextAdapter(context), input);

    /// <summary>The purge orchestrator (instance id = <c>_purge:{batchId}:{nonce}</c>).</summary>
    /// <param name="context">The SDK's orchestration context.</param>
    /// <param name="input">The purge input.</param>
    /// <returns>What was deleted.</returns>
    [Function(nameof(Workflows.PurgeOrchestrator))]
    public static Task<PurgeSummary> Purge([OrchestrationTrigger] TaskOrchestrationContext context, PurgeInput input) =>
        new Workflows.PurgeOrchestrator().RunAsync(new DurableContextAdapter(context), input);

    /// <summary>A rejudge (<see cref="Workflows.RejudgeOrchestrator"/>).</summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="input">The rejudge.</param>
    /// <returns>Its counts.</returns>
    [Function(nameof(Workflows.RejudgeOrchestrator))]
    public static Task<RejudgeChunkSummary> Rejudge([OrchestrationTrigger] TaskOrchestrationContext context, RejudgeInput input) =>
        new Workflows.RejudgeOrchestrator().RunAsync(new DurableContextAdapter(context), input);
}
