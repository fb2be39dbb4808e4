using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestration.Domain;
using Orchestration.DurableSdk;
using SdkJsonDataConverter = Microsoft.DurableTask.Converters.JsonDataConverter;

namespace Orchestration.Workflows.Tests.Engines;

/// <summary>The production storage backend of Durable Functions: DurableTask.AzureStorage over Azurite, driven by
/// the real Durable Task SDK worker and client through the test host's gRPC sidecar (<see cref="TaskHubGrpcServer"/>),
/// as the Functions host drives it for the isolated worker.</summary>
/// <remarks>
/// Two sidecars share the task hub. The worker's dispatches work items from its own
/// <see cref="AzureStorageOrchestrationService"/> to one SDK worker; it can be stopped and a new one started
/// (<see cref="StopWorkerAsync"/>, <see cref="StartWorkerAsync"/>), as when a Functions instance goes away and
/// another takes the task hub over. The client's only serves the management API (start, raise, query, wait,
/// purge) over a service that is never started, as a Durable client binding does, so <see cref="Client"/> stays
/// usable while no worker runs.
/// </remarks>
public sealed class AzureStorageBackend : ISdkBackend
{
    private readonly string _connectionString;
    private readonly IServiceProvider _services;
    private readonly Action<AzureStorageOrchestrationServiceSettings>? _configure;
    private readonly Action<DurableTaskRegistry>? _tasks;
    private readonly ILoggerFactory _logs;
    private readonly AzureStorageOrchestrationService _clientService;
    private readonly Sidecar _clientSidecar;
    private readonly ServiceProvider _clientServices;
    private WorkerStack? _worker;
    private int _generation;

    private AzureStorageBackend(
        string connectionString,
        string taskHub,
        IServiceProvider services,
        Action<AzureStorageOrchestrationServiceSettings>? configure,
        Action<DurableTaskRegistry>? tasks,
        ILoggerFactory logs,
        AzureStorageOrchestrationService clientService,
        Sidecar clientSidecar)
    {
        _connectionString = connectionString;
        TaskHub = taskHub;
        _services = services;
        _configure = configure;
        _tasks = tasks;
        _logs = logs;
        _clientService = clientService;
        _clientSidecar = clientSidecar;
        var clientServices = new ServiceCollection();
        clientServices.AddSingleton(logs);
        clientServices.AddLogging();
        clientServices.AddDurableTaskClient(builder =>
        {
            builder.UseGrpc(clientSidecar.Channel);
            builder.RegisterDirectly();
            builder.Configure(options => options.DataConverter = Converter);
        });
        _clientServices = clientServices.BuildServiceProvider();
        Client = _clientServices.GetRequiredService<DurableTaskClient>();
    }

    /// <summary>The payload converter of the worker and the client, as the Functions host configures it.</summary>
    public static DataConverter Converter { get; } = new SdkJsonDataConverter(BatchJson.Options);

    /// <inheritdoc/>
    public DurableTaskClient Client { get; }

    /// <summary>The task hub's name (its queues, tables and lease blobs in the storage account carry it).</summary>
    public string TaskHub { get; }

    /// <summary>How many workers have been started on the task hub.</summary>
    public int Generation => _generation;

    /// <summary>Settings for tests: production defaults, except that an idle queue is polled at least every second
    /// (the default backs off to 30 s), and the sidecar's protobuf tag maps are written as dictionaries
    /// (<see cref="ProtobufMapTypeBinder"/>).</summary>
    public static AzureStorageOrchestrationServiceSettings Settings(string connectionString, string taskHub, ILoggerFactory logs, string workerId) => new()
    {
        StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
        TaskHubName = taskHub,
        WorkerId = workerId,
        AppName = taskHub,
        LoggerFactory = logs,
        MaxQueuePollingInterval = TimeSpan.FromSeconds(1),
        CustomMessageTypeBinder = new ProtobufMapTypeBinder(),
    };

    /// <summary>Creates the task hub in the storage account and starts a worker on it with the workflow catalog,
    /// whose activities resolve the product's classes from <paramref name="services"/>.</summary>
    /// <param name="connectionString">The storage account (Azurite's).</param>
    /// <param name="taskHub">A task hub name unique to the test: 3 to 45 letters and digits, starting with a letter.</param>
    /// <param name="services">The harness's services (stores, object store, Cloud Run, the activity classes).</param>
    /// <param name="configure">Changes to the service settings of every worker (e.g. shorter visibility timeouts).</param>
    /// <param name="tasks">More orchestrators and activities, beside the catalog's.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<AzureStorageBackend> StartAsync(
        string connectionString,
        string taskHub,
        IServiceProvider services,
        Action<AzureStorageOrchestrationServiceSettings>? configure = null,
        Action<DurableTaskRegistry>? tasks = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentException.ThrowIfNullOrEmpty(taskHub);
        ArgumentNullException.ThrowIfNull(services);

        // The storage provider and the sidecar log every poll at Information; warnings are what a failing test needs.
        var providers = services.GetServices<ILoggerProvider>().ToList();
        var logs = LoggerFactory.Create(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Warning);
            foreach (var provider in providers)
            {
                logging.AddProvider(new NonOwningProvider(provider));
            }
        });

        var settings = Settings(connectionString, taskHub, logs, "client");
        configure?.Invoke(settings);
        var clientService = new AzureStorageOrchestrationService(settings);
        await clientService.CreateIfNotExistsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var clientSidecar = await Sidecar.StartAsync(clientService, clientService, TaskHubGrpcServerMode.ApiServerOnly, logs, cancellationToken).ConfigureAwait(false);
        var backend = new AzureStorageBackend(connectionString, taskHub, services, configure, tasks, logs, clientService, clientSidecar);
        try
        {
            await backend.StartWorkerAsync(cancellationToken).ConfigureAwait(false);
            return backend;
        }
        catch
        {
            await backend.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts a new worker on the task hub (its own orchestration service, sidecar and SDK worker, under a
    /// new worker id); returns once it dispatches.</summary>
    public async Task StartWorkerAsync(CancellationToken cancellationToken = default)
    {
        if (_worker is not null)
        {
            throw new InvalidOperationException("A worker is already running; stop it first.");
        }

        var generation = Interlocked.Increment(ref _generation);
        var settings = Settings(_connectionString, TaskHub, _logs, $"{TaskHub}-worker-{generation}");
        _configure?.Invoke(settings);
        _worker = await WorkerStack.StartAsync(settings, _services, _tasks, _logs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the running worker without waiting for its work items: the SDK worker first, then its
    /// orchestration service (forced: its sessions are dropped and its partitions released), then its sidecar. What
    /// it had taken and not finished comes back to the next worker when the queue messages become visible again.</summary>
    public async Task StopWorkerAsync()
    {
        var worker = Interlocked.Exchange(ref _worker, null);
        if (worker is not null)
        {
            await worker.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops the worker and the client, then deletes the task hub from the storage account.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopWorkerAsync().ConfigureAwait(false);
        await _clientServices.DisposeAsync().ConfigureAwait(false);
        await _clientSidecar.DisposeAsync().ConfigureAwait(false);
        try
        {
            // Azurite keeps everything in memory for the whole test assembly: give it back.
            await _clientService.DeleteAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or Azure.RequestFailedException)
        {
            // Best effort: a leftover task hub only costs Azurite memory.
        }

        _logs.Dispose();
    }

    /// <summary>One worker: an orchestration service over the task hub, a sidecar dispatching its work items, and
    /// the SDK worker connected to the sidecar.</summary>
    private sealed class WorkerStack(PlainHistoryOrchestrationService service, Sidecar sidecar, ServiceProvider workerServices, IHostedService worker) : IAsyncDisposable
    {
        public static async Task<WorkerStack> StartAsync(
            AzureStorageOrchestrationServiceSettings settings,
            IServiceProvider services,
            Action<DurableTaskRegistry>? tasks,
            ILoggerFactory logs,
            CancellationToken cancellationToken)
        {
            var inner = new AzureStorageOrchestrationService(settings);
            var service = new PlainHistoryOrchestrationService(inner);
            var sidecar = await Sidecar.StartAsync(service, inner, TaskHubGrpcServerMode.ApiServerAndDispatcher, logs, cancellationToken).ConfigureAwait(false);

            IDurableTaskWorkerBuilder? built = null;
            var workerServices = new ServiceCollection();
            workerServices.AddSingleton(logs);
            workerServices.AddLogging();
            workerServices.AddDurableTaskWorker(builder =>
            {
                builder.UseGrpc(sidecar.Channel);
                builder.AddTasks(registry =>
                {
                    registry.AddOrchestrationWorkflows();
                    tasks?.Invoke(registry);
                });
                builder.Configure(options => options.DataConverter = Converter);
                built = builder;
            });
            var provider = workerServices.BuildServiceProvider();

            // Built by hand rather than by a host, so that it sees the harness's services behind its own: the
            // catalog's activities resolve the product's classes from the provider the worker was built with.
            var worker = built!.Build(new FallbackServiceProvider(provider, services));
            var stack = new WorkerStack(service, sidecar, provider, worker);
            try
            {
                await worker.StartAsync(cancellationToken).ConfigureAwait(false);

                // The sidecar starts the orchestration service once the worker has connected.
                await service.Started.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
                return stack;
            }
            catch
            {
                await stack.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            {
                try
                {
                    await worker.StopAsync(stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Work items still in flight are given up; their messages come back to the next worker.
                }
            }

            (worker as IDisposable)?.Dispose();
            await service.StopAsync(isForced: true).ConfigureAwait(false);
            await sidecar.DisposeAsync().ConfigureAwait(false);
            await workerServices.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A <see cref="TaskHubGrpcServer"/> on a free loopback port (HTTP/2 without TLS, as gRPC needs).</summary>
    private sealed class Sidecar(WebApplication app, GrpcChannel channel) : IAsyncDisposable
    {
        public GrpcChannel Channel { get; } = channel;

        public static async Task<Sidecar> StartAsync(
            IOrchestrationService service, IOrchestrationServiceClient client, TaskHubGrpcServerMode mode, ILoggerFactory logs, CancellationToken cancellationToken)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(logs);
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(service);
            builder.Services.AddSingleton(client);
            builder.Services.Configure<TaskHubGrpcServerOptions>(options => options.Mode = mode);
            builder.Services.AddSingleton<TaskHubGrpcServer>();
            var app = builder.Build();
            app.MapGrpcService<TaskHubGrpcServer>();
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            return new Sidecar(app, GrpcChannel.ForAddress(app.Urls.Single()));
        }

        public async ValueTask DisposeAsync()
        {
            await Channel.ShutdownAsync().ConfigureAwait(false);
            Channel.Dispose();
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await app.StopAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // A work-item stream the worker left open; the process is a test run, the port is freed on dispose.
            }

            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Hands the harness's logger providers to this backend's own factory without letting it dispose them.</summary>
    private sealed class NonOwningProvider(ILoggerProvider inner) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => inner.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }
}
