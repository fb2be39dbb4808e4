using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestration.Activities;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Inputs;
using Orchestration.Activities.Steps;
using Orchestration.Durable;
using Orchestration.Workflows.Purge;
using Orchestration.Workflows.Service;

namespace Orchestration.Workflows;

/// <summary>Everything a durable host registers: the orchestrators and the activities, by name.</summary>
/// <remarks>Names are the class names (<c>nameof</c>), the same in the embedded engine and in the Azure
/// Functions host, where each becomes one orchestrator or activity function.</remarks>
public static class WorkflowCatalog
{
    /// <summary>The orchestrators, registered under their class names.</summary>
    public static IReadOnlyList<(TaskName Name, Func<IServiceProvider, ITaskOrchestrator> Create)> Orchestrators { get; } =
    [
        (nameof(BatchOrchestrator), _ => new BatchOrchestrator()),
        (nameof(ChunkOrchestrator), _ => new ChunkOrchestrator()),
        (nameof(RunOrchestrator), _ => new RunOrchestrator()),
        (nameof(PurgeOrchestrator), _ => new PurgeOrchestrator()),
        (nameof(RejudgeOrchestrator), _ => new RejudgeOrchestrator()),
    ];

    /// <summary>The activities, each adapting an activity class resolved from the host's services.</summary>
    /// <remarks><see cref="PurgeBatchHistory"/> and <see cref="PurgeFinishedPurges"/> take the durable client,
    /// which the Functions host has per invocation only (the <c>[DurableClient]</c> binding), so they are not
    /// registered in the container: each call builds them from the services the host hands the catalog, which
    /// hold the client.</remarks>
    public static IReadOnlyList<(TaskName Name, Func<IServiceProvider, ITaskActivity> Create)> Activities { get; } =
    [
        (nameof(PrepareBatch), sp => new ActivityAdapter<PrepareBatch, PrepareBatchInput, BatchPlan>(sp)),
        (nameof(PrepareRerun), sp => new ActivityAdapter<PrepareRerun, PrepareRerunInput, RerunPlan>(sp)),
        (nameof(StartRun), sp => new ActivityAdapter<StartRun, StartRunInput, StartRunResult>(sp)),
        (nameof(StartPack), sp => new ActivityAdapter<StartPack, StartPackInput, StartRunResult>(sp)),
        (nameof(CheckRun), sp => new ActivityAdapter<CheckRun, CheckRunInput, CheckRunResult>(sp)),
        (nameof(CancelRun), sp => new ActivityAdapter<CancelRun, CancelRunInput, bool>(sp)),
        (nameof(CollectResult), sp => new ActivityAdapter<CollectResult, CollectResultInput, RunSummary>(sp)),
        (nameof(PersistAggregate), sp => new ActivityAdapter<PersistAggregate, PersistAggregateInput, BatchSummary>(sp)),
        (nameof(NotifyWebhook), sp => new ActivityAdapter<NotifyWebhook, NotifyWebhookInput, bool>(sp)),
        (nameof(PurgeBatchHistory), sp => new ActivityAdapter<PurgeBatchHistory, PurgeStepInput, int>(sp)),
        (nameof(PurgeBatchObjects), sp => new ActivityAdapter<PurgeBatchObjects, PurgeStepInput, int>(sp)),
        (nameof(PurgeBatchResults), sp => new ActivityAdapter<PurgeBatchResults, PurgeStepInput, bool>(sp)),
        (nameof(PurgeBatchRecord), sp => new ActivityAdapter<PurgeBatchRecord, PurgeStepInput, bool>(sp)),
        (nameof(PurgeFinishedPurges), sp => new ActivityAdapter<PurgeFinishedPurges, PurgeCleanupInput, int>(sp)),
        (nameof(RejudgeRuns), sp => new ActivityAdapter<RejudgeRuns, RejudgeChunkInput, RejudgeChunkSummary>(sp)),
        (nameof(PersistRejudge), sp => new ActivityAdapter<PersistRejudge, PersistRejudgeInput, RejudgeChunkSummary>(sp)),
    ];

    /// <summary>Hands every orchestrator and activity to a host's registration calls, so each host
    /// registers the whole catalog in one statement.</summary>
    /// <param name="addOrchestrator">Registers one orchestrator by name.</param>
    /// <param name="addActivity">Registers one activity by name.</param>
    public static void Register(
        Action<TaskName, Func<IServiceProvider, ITaskOrchestrator>> addOrchestrator,
        Action<TaskName, Func<IServiceProvider, ITaskActivity>> addActivity)
    {
        ArgumentNullException.ThrowIfNull(addOrchestrator);
        ArgumentNullException.ThrowIfNull(addActivity);
        foreach (var (name, create) in Orchestrators)
        {
            addOrchestrator(name, create);
        }

        foreach (var (name, create) in Activities)
        {
            addActivity(name, create);
        }
    }

    /// <summary>Registers the activity classes and what they share (the batch catalog, the bundler); the
    /// host registers the ports (object store, Cloud Run, stores, git, webhooks) and the durable client.</summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddBatchActivities(this IServiceCollection services)
    {
        // Both hosts validate RunSettings at start; this adds the check of its secret references.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RunSettings>, RunSettingsValidator>());
        services.AddSingleton<BatchCatalog>();
        services.AddSingleton(new InputBundler(new BundleOptions()));
        services.AddTransient<PrepareBatch>();
        services.AddTransient<PrepareRerun>();
        services.AddTransient<StartRun>();
        services.AddTransient<StartPack>();
        services.AddTransient<CheckRun>();
        services.AddTransient<CancelRun>();
        services.AddTransient<CollectResult>();
        services.AddTransient<PersistAggregate>();
        services.AddTransient<NotifyWebhook>();
        services.AddTransient<PurgeBatchObjects>();
        services.AddTransient<PurgeBatchResults>();
        services.AddTransient<PurgeBatchRecord>();
        services.AddTransient<RejudgeRuns>();
        services.AddTransient<PersistRejudge>();
        return services;
    }

    /// <summary>Registers the batch service (options under <see cref="BatchServiceOptions.Section"/>, validated at start).</summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddBatchService(this IServiceCollection services)
    {
        // Its checks through a source-generated validator (no reflection over the options' members).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BatchServiceOptions>, BatchServiceOptionsValidator>());
        services.AddOptions<BatchServiceOptions>().ValidateOnStart();
        services.AddSingleton<BatchService>();
        services.AddSingleton<BatchPlanner>();
        services.AddSingleton<OrphanReaper>();
        services.AddSingleton<RetentionSweeper>();
        services.AddOptions<RetentionOptions>();
        return services;
    }

    /// <summary>Registers <see cref="RunWakeups"/> as the <see cref="IExecutionEnds"/> that StartRun and
    /// the runner use: for hosts whose runner says when its executions end (the standalone host's local runner).</summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddRunWakeups(this IServiceCollection services)
    {
        services.TryAddSingleton<RunWakeups>();
        services.TryAddSingleton<IExecutionEnds>(sp => sp.GetRequiredService<RunWakeups>());
        return services;
    }
}
