using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Orchestration.Activities;
using Orchestration.Activities.Git;
using Orchestration.Activities.Stores;
using Orchestration.Adapters.CloudRun;
using Orchestration.Adapters.Git;
using Orchestration.Adapters.Google;
using Orchestration.Adapters.LocalRunner;
using Orchestration.Adapters.Storage;
using Orchestration.Adapters.Stores;
using Orchestration.Adapters.Webhooks;
using Orchestration.Domain;
using Orchestration.Domain.Polling;
using Orchestration.Domain.Validation;
using Orchestration.Durable;
using Orchestration.Engine;
using Orchestration.Workflows;
using Orchestration.Workflows.Service;

namespace Orchestration.Server;

/// <summary>Composition of the standalone host: embedded engine and SQLite stores under one data folder;
/// runs on the local job runner with a local folder object store (local mode, the default), or on Cloud
/// Run with GCS when <c>Google:CloudRun:Project</c> is set (cloud mode).</summary>
public static class StandaloneServiceCollectionExtensions
{
    /// <summary>Registers everything the standalone host needs to run batches on this machine.</summary>
    /// <remarks>Defaults are set first and configuration binds over them, so any key can be overridden
    /// (<c>LocalRunner__MaxParallelExecutions=8</c>); options are validated at start with the key in the message.</remarks>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The host's configuration (bound for sections <c>Standalone</c>,
    /// <c>Orchestration:Runs</c>, <c>Orchestration:Batches</c>, <c>Orchestration:Retention</c>, <c>LocalRunner</c>, <c>ObjectStore:Local</c>, <c>Webhooks</c>; in cloud mode <c>Google:CloudRun</c>, <c>Google:Storage</c>, <c>Google:Credentials</c>, <c>Google:Http</c>).</param>
    /// <param name="dataFolder">The data folder (engine.db, stores.db, gcs/, executions/).</param>
    /// <param name="decorateActivity">Wraps each activity the engine creates, given its name; null for none.
    /// Lets another host compose exactly this one with behaviour around the steps (the crash-matrix tests'
    /// host kills itself inside a chosen step) without a second copy of this composition.</param>
    /// <returns>The services.</returns>
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(StandaloneOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(RunSettings))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(RetentionOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(BatchServiceOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(BatchLimits))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(BatchDefaults))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(WorkflowSettings))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(PollingOptions))]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = ReflectionBinding)]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = ReflectionBinding)]
    public static IServiceCollection AddStandaloneOrchestration(
        this IServiceCollection services, IConfiguration configuration, string dataFolder, Func<TaskName, ITaskActivity, ITaskActivity>? decorateActivity = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var data = new DataFolder(Path.GetFullPath(dataFolder));
        services.AddSingleton(data);
        services.AddSingleton(TimeProvider.System);

        // Their data annotations are checked by the SectionValidator each one gets below, naming the setting.
        services.AddOptions<StandaloneOptions>().BindConfiguration(StandaloneOptions.Section).ValidateOnStart();
        services.AddOptions<RunSettings>().BindConfiguration(RunSettings.Section).ValidateOnStart();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateOnStart();
        var cloud = UsesCloudRun(configuration);
        services.AddOptions<BatchServiceOptions>()
            .Configure(o =>
            {
                // Local mode: local polling and http webhooks to loopback. Cloud mode: Cloud Run's polling, https webhooks only.
                // Path inputs in both (resolved under Orchestration:Runs:PathInputRoot, bundled into the object store).
                o.Workflow = cloud ? WorkflowSettings.Cloud : WorkflowSettings.Local;
                o.Limits = o.Limits with { AllowHttpLoopbackWebhook = !cloud, AllowPathInputs = true };
            })
            .BindConfiguration(BatchServiceOptions.Section)
            .PostConfigure(o =>
            {
                // Orchestration:Runs:PackSize on Cloud Run (RunSettings validates it); the local runner works one
                // attempt per process.
                if (cloud && int.TryParse(configuration[PackSizeKey], CultureInfo.InvariantCulture, out var packSize))
                {
                    o.Workflow = o.Workflow with { PackSize = packSize };
                }

                // Local runs are local processes: as many in flight as the machine carries, unless configured.
                if (!cloud && string.IsNullOrWhiteSpace(configuration[DefaultMaxParallelRunsKey]))
                {
                    o.Defaults = o.Defaults with { MaxParallelRuns = Math.Min(LocalMaxParallelRuns, o.Limits.MaxParallelRuns) };
                }
            });

        var database = new SqliteDatabase(data.StoresDatabase);
        services.AddSingleton(database);
        services.AddSingleton<IBatchStore>(sp => new SqliteBatchStore(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IResultStore>(sp => new SqliteResultStore(sp.GetRequiredService<SqliteDatabase>()));

        if (cloud)
        {
            AddCloudRuns(services, configuration);
        }
        else
        {
            AddLocalRuns(services, data);
        }

        services.AddSingleton<IGitResolver, GitCliResolver>();
        services.AddOptions<WebhookOptions>().Configure(o => o.AllowLoopback = !cloud);
        services.AddWebhooks();

        services.AddBatchActivities();
        services.AddBatchService();
        services.AddEmbeddedDurableEngine(options =>
        {
            options.DatabasePath = data.EngineDatabase;
            options.SerializerOptions = WorkflowsJson.Options;
            WorkflowCatalog.Register(
                (name, create) => options.AddOrchestrator(name, create),
                (name, create) => options.AddActivity(name, decorateActivity is null ? create : sp => decorateActivity(name, create(sp))));
        });

        services.AddSingleton<IValidateOptions<StandaloneOptions>>(new SectionValidator<StandaloneOptions>(StandaloneOptions.Section));
        services.AddSingleton<IValidateOptions<RunSettings>>(new SectionValidator<RunSettings>(RunSettings.Section));
        services.AddSingleton<IValidateOptions<RetentionOptions>>(new SectionValidator<RetentionOptions>(RetentionOptions.Section));
        services.AddSingleton<IValidateOptions<WebhookOptions>>(new SectionValidator<WebhookOptions>(WebhookOptions.Section));

        // After the engine: hosted services start in registration order.
        services.AddHostedService<StartupRepair>();
        services.AddHostedService<OrphanReaperTimer>();
        services.AddHostedService<RetentionTimer>();
        return services;
    }

    /// <summary>The <c>maxParallelRuns</c> of a local batch that does not give one: cores x 4 (capped by
    /// <c>Orchestration:Batches:Limits:MaxParallelRuns</c>), unless <c>Orchestration:Batches:Defaults:MaxParallelRuns</c> is set.</summary>
    /// <remarks>Cloud mode keeps <see cref="BatchDefaults.MaxParallelRuns"/>: there each run is a Cloud Run execution, not a
    /// process of this machine. The local runner's own cap (<see cref="LocalRunnerOptions.MaxParallelExecutions"/>) defaults to
    /// the same figure, so it does not hold such a batch below it.</remarks>
    public static int LocalMaxParallelRuns => Environment.ProcessorCount * 4;

    /// <summary>Why configuration is bound by the reflection binder here (and in the other commands' compositions).</summary>
    internal const string ReflectionBinding = "Settings are bound by the reflection binder, which binds into the instances Configure set (the binding source generator bound nothing into Orchestration:Batches:Limits, :Defaults and :Workflow). The DynamicDependency attributes keep every member it reads in a trimmed build, and the members it sets are settable (in a native build it sets no init-only member); the native host's tests bind a nested setting.";

    // Orchestration:Runs:PackSize, read from configuration: RunSettings validates it at start, and resolving the
    // settings here would validate them inside the batch settings' construction.
    private const string PackSizeKey = RunSettings.Section + ":" + nameof(RunSettings.PackSize);

    private const string DefaultMaxParallelRunsKey = BatchServiceOptions.Section + ":" + nameof(BatchServiceOptions.Defaults) + ":" + nameof(BatchDefaults.MaxParallelRuns);

    /// <summary>Whether runs go to Cloud Run and objects to GCS: <c>Google:CloudRun:Project</c> is set.</summary>
    /// <param name="configuration">The host's configuration.</param>
    /// <returns>True in cloud mode.</returns>
    public static bool UsesCloudRun(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration?[CloudRunOptions.Section + ":" + nameof(CloudRunOptions.Project)]);

    private static void AddLocalRuns(IServiceCollection services, DataFolder data)
    {
        services.AddOptions<LocalFolderObjectStoreOptions>()
            .Configure<IOptions<RunSettings>>((o, runs) => o.Root = data.Bucket(runs.Value.Bucket));
        services.AddLocalFolderObjectStore();

        services.AddOptions<LocalRunnerOptions>()
            .Configure<IOptions<StandaloneOptions>>((o, standalone) =>
            {
                o.StateFolder = data.Executions;
                o.ObjectsRoot = data.ObjectsRoot;
                o.ScratchFolder ??= data.MemoryScratch();
                var script = RunnerScriptLocator.Find(standalone.Value.RunnerScript);
                o.RunnerCommand = script is null ? [] : ["bash", script];
                o.ShimFolder = script is null ? null : Path.Combine(Path.GetDirectoryName(script)!, "local");
                if (o.ShimFolder is not null)
                {
                    RunnerScriptLocator.EnsureExecutable(o.ShimFolder);
                }

                o.ExtraEnvironment["GCS_LOCAL_ROOT"] = data.ObjectsRoot;
            })
            .Validate(o => o.Executor != LocalExecutor.Script || o.RunnerCommand.Count > 0, SectionValidator<LocalRunnerOptions>.Marker + "Standalone:RunnerScript (Standalone__RunnerScript): runner/runner.sh was not found above the executable or the current folder; set it to the runner script's path (LocalRunner:Executor is Script).");
        services.AddLocalJobRunner();
        // The local runner sees each execution end: the run that polls it polls at once, not at its next poll time.
        services.AddRunWakeups();
        services.AddSingleton<IValidateOptions<LocalRunnerOptions>>(new SectionValidator<LocalRunnerOptions>(LocalRunnerOptions.Section));
        services.AddSingleton<IValidateOptions<LocalFolderObjectStoreOptions>>(new SectionValidator<LocalFolderObjectStoreOptions>(LocalFolderObjectStoreOptions.Section));
    }

    private static void AddCloudRuns(IServiceCollection services, IConfiguration configuration)
    {
        services.AddGcsObjectStore();
        services.AddCloudRunJobsClient();

        // One bucket: the runs' gs:// URIs name the bucket the object store writes to. Orchestration:Runs:Bucket
        // follows Google:Storage:Bucket unless set, and must then agree with it.
        var runsBucket = configuration[RunSettings.Section + ":" + nameof(RunSettings.Bucket)];
        services.AddOptions<RunSettings>()
            .Configure<IOptions<GcsOptions>>((o, gcs) => o.Bucket = string.IsNullOrWhiteSpace(runsBucket) ? gcs.Value.Bucket : o.Bucket)
            .Validate<IOptions<GcsOptions>>(
                (o, gcs) => o.Bucket == gcs.Value.Bucket,
                SectionValidator<RunSettings>.Marker + "Orchestration:Runs:Bucket (Orchestration__Runs__Bucket): must name the same bucket as Google:Storage:Bucket (Google__Storage__Bucket), or be left unset.");
        services.AddSingleton<IValidateOptions<CloudRunOptions>>(new SectionValidator<CloudRunOptions>(CloudRunOptions.Section));

        // The Google client libraries read their JSON by reflection and cannot be compiled natively: a native build
        // refuses cloud mode at start, naming the setting, instead of failing at the first call to Google.
        services.AddOptions<CloudRunOptions>().Validate(
            _ => RuntimeFeature.IsDynamicCodeSupported,
            SectionValidator<CloudRunOptions>.Marker + "Google:CloudRun:Project (Google__CloudRun__Project): cloud mode needs the .NET tool (README); this natively compiled build runs batches on this machine only.");
        services.AddSingleton<IValidateOptions<GcsOptions>>(new SectionValidator<GcsOptions>(GcsOptions.Section));
        services.AddSingleton<IValidateOptions<GoogleCredentialOptions>>(new SectionValidator<GoogleCredentialOptions>(GoogleCredentialOptions.Section));
    }
}
