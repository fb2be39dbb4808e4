using System.Globalization;
using Azure.Core.Serialization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestration.Activities;
using Orchestration.Activities.Git;
using Orchestration.Activities.Stores;
using Orchestration.Adapters.Git;
using Orchestration.Adapters.Google;
using Orchestration.Adapters.Queue;
using Orchestration.Adapters.Storage;
using Orchestration.Adapters.Stores;
using Orchestration.Adapters.Webhooks;
using Orchestration.Api;
using Orchestration.Api.Queue;
using Orchestration.Domain;
using Orchestration.Workflows;
using Orchestration.Workflows.Service;

namespace Orchestration.Functions;

/// <summary>Composition of the Azure Functions host: Azure stores, GCS and Cloud Run with Google credentials
/// (workload identity federation from the app's managed identity), the activities, the batch service's
/// settings and the API options, all validated at start.</summary>
public static class FunctionsServiceCollectionExtensions
{
    // Orchestration:Runs:PackSize, read from configuration: RunSettings validates it at start, and resolving the
    // settings here would validate them inside the batch settings' construction.
    private const string PackSizeKey = RunSettings.Section + ":" + nameof(RunSettings.PackSize);

    /// <summary>Registers everything the functions need.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The host's configuration (app settings, <c>Section__Key</c>).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddOrchestrationFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(TimeProvider.System);

        // Every durable payload (orchestration inputs and outputs, activity inputs and results, events, custom
        // status) goes through the worker's serializer; the embedded engine uses the same options.
        services.Configure<WorkerOptions>(o => o.Serializer = new JsonObjectSerializer(BatchJson.Options));

        services.AddOptions<FunctionsOptions>().BindConfiguration(FunctionsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RunSettings>().BindConfiguration(RunSettings.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BatchServiceOptions>()
            .Configure(o => o.Workflow = WorkflowSettings.Cloud)
            .BindConfiguration(BatchServiceOptions.Section)
            .PostConfigure(o =>
            {
                // Orchestration:Runs:PackSize (RunSettings validates it).
                if (int.TryParse(configuration[PackSizeKey], CultureInfo.InvariantCulture, out var packSize))
                {
                    o.Workflow = o.Workflow with { PackSize = packSize };
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Function keys (x-functions-key) are checked by the Functions host, so the API's own key list stays empty.
        services.AddOrchestrationApi();

        services.AddOptions<AzureStorageOptions>().BindConfiguration(AzureStorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AzureStorageClients>();
        services.AddSingleton<IBatchStore>(sp => new AzureBatchStore(sp.GetRequiredService<AzureStorageClients>().BatchesTable, sp.GetRequiredService<AzureStorageClients>().Documents));
        services.AddSingleton<IResultStore>(sp => new AzureResultStore(sp.GetRequiredService<AzureStorageClients>().RunsTable, sp.GetRequiredService<AzureStorageClients>().Aggregates));
        services.AddHostedService<StorageInitializer>();

        // Queue submissions: the shared handler (built per invocation around the durable client), the blob reader
        // of large documents and the poison writer, on the same account and identity as the stores.
        services.AddOptions<SubmissionQueueOptions>().BindConfiguration(SubmissionQueueOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<AzureStorageClients>().SubmissionQueues(sp.GetRequiredService<IOptions<SubmissionQueueOptions>>()));
        services.AddSingleton<ISubmissionBlobReader>(sp => new AzureSubmissionBlobReader(sp.GetRequiredService<AzureStorageClients>().Blobs, sp.GetRequiredService<IOptions<SubmissionQueueOptions>>()));
        services.AddSingleton<PoisonQueueWriter>();

        // Google: GCS object store and Cloud Run Admin API; credentials per Google:Credentials:Mode, where
        // WorkloadIdentityFederation exchanges the app's managed identity token (App Service endpoint) at Google STS.
        services.AddAppServiceManagedIdentity(configuration[AzureStorageOptions.Section + ":" + nameof(AzureStorageOptions.ManagedIdentityClientId)]);
        services.AddGoogleCredentials();
        services.AddGcsObjectStore();
        services.AddCloudRunJobsClient();

        // One bucket: the runs' gs:// URIs name the bucket the object store writes to, so Orchestration:Runs:Bucket
        // follows Google:Storage:Bucket unless set.
        var runsBucket = configuration[RunSettings.Section + ":" + nameof(RunSettings.Bucket)];
        services.AddOptions<RunSettings>()
            .Configure<IOptions<GcsOptions>>((o, gcs) => o.Bucket = string.IsNullOrWhiteSpace(runsBucket) ? gcs.Value.Bucket : o.Bucket)
            .Validate<IOptions<GcsOptions>>((o, gcs) => o.Bucket == gcs.Value.Bucket, "Orchestration:Runs:Bucket must name the same bucket as Google:Storage:Bucket, or be left unset.");

        services.AddSingleton<IGitResolver, GitCliResolver>();
        services.AddWebhooks();

        // The activities and the batch service's companions; the batch service itself is built per invocation
        // around the bound durable client (BatchServices), since the isolated worker has no client in the container.
        services.AddBatchActivities();
        services.AddSingleton<BatchServices>();
        return services;
    }
}
