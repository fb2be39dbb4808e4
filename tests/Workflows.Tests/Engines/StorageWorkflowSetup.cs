using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using DurableTask.AzureStorage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestration.Activities;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Git;
using Orchestration.Activities.Storage;
using Orchestration.Activities.Stores;
using Orchestration.Adapters.Storage;
using Orchestration.Adapters.Stores;
using Orchestration.Adapters.Webhooks;
using Orchestration.Domain;
using Orchestration.Domain.Normalization;
using Orchestration.Domain.Validation;
using Orchestration.Durable;
using Orchestration.DurableSdk;
using Orchestration.Fakes;

namespace Orchestration.Workflows.Tests.Engines;

/// <summary>The product's activities over local stores (SQLite, a local-folder object store, an in-memory Cloud Run
/// whose executions a scripted runner plays), with the workflows on <see cref="AzureStorageBackend"/>: the services
/// <c>WorkflowHarness</c> gives its engine, without the embedded engine.</summary>
internal sealed class StorageWorkflowSetup : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly ConcurrentDictionary<string, int> _perTaskStarts = new(StringComparer.Ordinal);

    private StorageWorkflowSetup(string root, ServiceProvider services, InMemoryCloudRun cloudRun, Func<StorageRunCall, Task> runner)
    {
        Root = root;
        _services = services;
        CloudRun = cloudRun;
        Runner = runner;
        CloudRun.OnStarted = OnStartedAsync;
    }

    public string Root { get; }

    public AzureStorageBackend Backend { get; private set; } = null!;

    /// <summary>The backend's client seen through the seam, as the batch service sees it in the Functions host.</summary>
    public DurableTaskClient Client { get; private set; } = null!;

    public InMemoryCloudRun CloudRun { get; }

    public Func<StorageRunCall, Task> Runner { get; set; }

    public IBatchStore Batches => _services.GetRequiredService<IBatchStore>();

    public IResultStore Results => _services.GetRequiredService<IResultStore>();

    public IObjectStore Objects => _services.GetRequiredService<IObjectStore>();

    public static async Task<StorageWorkflowSetup> StartAsync(
        string connectionString,
        string taskHub,
        Func<StorageRunCall, Task>? runner = null,
        ILoggerProvider? logs = null,
        Action<AzureStorageOrchestrationServiceSettings>? configure = null)
    {
        var root = Directory.CreateTempSubdirectory("storage-workflows-").FullName;
        var objects = Path.Combine(root, "gcs", "test-bucket");
        Directory.CreateDirectory(objects);
        var cloudRun = new InMemoryCloudRun();
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            if (logs is not null)
            {
                logging.AddProvider(logs);
            }
        });
        services.AddSingleton(TimeProvider.System);
        var database = new SqliteDatabase(Path.Combine(root, "stores.db"));
        services.AddSingleton<IBatchStore>(new SqliteBatchStore(database));
        services.AddSingleton<IResultStore>(new SqliteResultStore(database));
        services.AddSingleton<IObjectStore>(new LocalFolderObjectStore(Options.Create(new LocalFolderObjectStoreOptions { Root = objects })));
        services.AddSingleton<ICloudRunJobsClient>(cloudRun);
        services.AddSingleton<IGitResolver>(new FixedGit());
        services.AddSingleton(Options.Create(new RunSettings { Bucket = "test-bucket" }));
        services.AddSingleton(Options.Create(new WebhookOptions()));
        services.AddHttpClient();
        services.AddSingleton<WebhookSender>();
        services.AddBatchActivities();
        var provider = services.BuildServiceProvider();
        var setup = new StorageWorkflowSetup(root, provider, cloudRun, runner ?? (call => call.PassAsync()));
        try
        {
            setup.Backend = await AzureStorageBackend.StartAsync(connectionString, taskHub, provider, configure);
            setup.Client = new DurableClientAdapter(setup.Backend.Client);
            return setup;
        }
        catch
        {
            await setup.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stores a batch and schedules its orchestration, as the batch service does.</summary>
    public async Task<string> SubmitAsync(string json, WorkflowSettings settings)
    {
        var intake = BatchIntake.Read(Encoding.UTF8.GetBytes(json), new BatchLimits(), new BatchDefaults(), () => "generated");
        Assert.True(intake.IsValid, string.Join("\n", intake.Problems));
        var now = DateTimeOffset.UtcNow;
        await Batches.InsertIfAbsentAsync(new StoredBatch(intake.Batch.Id, intake.Hash, "n1", BatchStatus.Pending, null, now, now, intake.Batch.TotalRuns, CanonicalJson.Serialize(intake.Batch)));
        return await Client.ScheduleNewOrchestrationInstanceAsync(nameof(BatchOrchestrator), new BatchInput(intake.Batch.Id, settings), new StartOrchestrationOptions(intake.Batch.Id));
    }

    public Task<OrchestrationMetadata> WaitAsync(string instanceId, int seconds = 180) =>
        Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true).WaitAsync(TimeSpan.FromSeconds(seconds));

    public int StartsOf(string taskId) => _perTaskStarts.GetValueOrDefault(taskId);

    public async ValueTask DisposeAsync()
    {
        if (Backend is not null)
        {
            await Backend.DisposeAsync();
        }

        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A runner task may still be writing; the temp folder is left behind.
        }
    }

    private Task OnStartedAsync(CloudRunExecution execution)
    {
        // RUN_PREFIX is gs://test-bucket/runs/{batch}/{nonce}/{task}/{run}/a{attempt}/.
        var prefix = execution.Environment["RUN_PREFIX"]["gs://test-bucket/".Length..];
        var parts = prefix.TrimEnd('/').Split('/');
        var call = new StorageRunCall(this, execution, prefix, parts[3], int.Parse(parts[4], CultureInfo.InvariantCulture), int.Parse(parts[5][1..], CultureInfo.InvariantCulture));
        _perTaskStarts.AddOrUpdate(call.TaskId, 1, (_, n) => n + 1);
        _ = Task.Run(() => Runner(call));
        return Task.CompletedTask;
    }

    private sealed class FixedGit : IGitResolver
    {
        public Task<string> ResolveAsync(string url, string gitRef, CancellationToken cancellationToken = default) => Task.FromResult(new string('c', 40));
    }
}
