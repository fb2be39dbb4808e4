using System.Collections.Concurrent;
using System.Text;
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
using Orchestration.Domain.Polling;
using Orchestration.Domain.Specs;
using Orchestration.Domain.Validation;
using Orchestration.Durable;
using Orchestration.DurableSdk;
using Orchestration.Engine;
using Orchestration.Fakes;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

/// <summary>The real orchestrators and activities on a durable engine (<see cref="EngineKind"/>: the embedded
/// engine replaying every episode, as Durable does, or the real Durable Task SDK through src/DurableSdk's
/// adapters) over local stores, with an in-memory Cloud Run whose executions a scripted runner plays. The
/// batch service and the tests reach the engine through the seam's <see cref="DurableTaskClient"/> only.</summary>
public sealed partial class WorkflowHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly ConcurrentDictionary<string, int> _perTaskStarts = new(StringComparer.Ordinal);
    private ISdkBackend? _backend;
    private int _inFlight;
    private int _maxInFlight;
    private int _busyRunners;
    private int _waiters;
    private int _pauses;
    private CancellationTokenSource? _stopDriving;
    private Task? _driver;
    private bool _keepRoot;
    private int _disposed;

    private WorkflowHarness(EngineKind engine, string root, Func<RunnerCall, Task>? runner, Func<IServiceProvider, ICloudRunJobsClient>? jobs, Action<IServiceCollection>? ports, WorkflowSettings? settings, bool realTime, bool wakeups)
    {
        Engine = engine;
        Root = root;
        Runner = runner ?? (call => call.PassAsync());
        // The SDK's in-process backend keeps its own (real) clock for orchestrations, so everything shares it there.
        Clock = engine == EngineKind.Embedded && !realTime ? new SkippingClock(DateTimeOffset.UtcNow) : null;
        Time = Clock ?? TimeProvider.System;
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddSingleton(Time);
        var database = new SqliteDatabase(Path.Combine(root, "stores.db"));
        services.AddSingleton<IBatchStore>(new SqliteBatchStore(database));
        services.AddSingleton<IResultStore>(new SqliteResultStore(database));
        if (ports is not null)
        {
            ports(services);
        }
        else
        {
            services.AddSingleton<IObjectStore>(sp => new HookedObjectStore(
                new LocalFolderObjectStore(Options.Create(new LocalFolderObjectStoreOptions { Root = ObjectRoot(root) })),
                (prefix, cancellationToken) => BeforeDeleteByPrefix?.Invoke(prefix, cancellationToken) ?? Task.CompletedTask));
            services.AddSingleton(jobs ?? (_ => CloudRun));
        }

        services.AddSingleton<IGitResolver>(new FixedGit(this));
        services.AddSingleton(Options.Create(new RunSettings { Bucket = "test-bucket" }));
        services.AddSingleton(Options.Create(new WebhookOptions()));
        services.AddHttpClient();
        services.AddSingleton<WebhookSender>();
        services.AddBatchActivities();
        services.AddSingleton(Options.Create(new Service.BatchServiceOptions { Workflow = settings ?? FastSettings }));
        services.AddBatchService();
        if (wakeups)
        {
            services.AddRunWakeups();
        }

        if (engine == EngineKind.Embedded)
        {
            services.AddEmbeddedDurableEngine(options =>
            {
                options.DatabasePath = Path.Combine(root, "engine.db");
                options.ReplayEveryEpisode = true;
                options.SerializerOptions = WorkflowsJson.Options;
                // The 2-core default, kept when the test run raises DOTNET_PROCESSOR_COUNT for the SDK's test host.
                options.MaxConcurrentActivities = 32;
                WorkflowCatalog.Register((name, create) => options.AddOrchestrator(name, create), (name, create) => options.AddActivity(name, create));
            });
        }
        else
        {
            // The backend starts once the provider exists (its activities resolve from it); the batch service and
            // the tests resolve the client after that.
            services.AddSingleton<DurableTaskClient>(_ => new DurableClientAdapter((_backend ?? throw new InvalidOperationException("The SDK backend has not started.")).Client));
            services.AddSingleton<Microsoft.DurableTask.DataConverter>(Payloads);
        }

        _services = services.BuildServiceProvider();
        CloudRun.OnStarted = OnStartedAsync;
        CloudRun.Ends = _services.GetService<IExecutionEnds>();
        CloudRun.Time = Time;
        Services = _services;
    }

    public EngineKind Engine { get; }

    /// <summary>The clock of the engine, the activities and the scripted runners. On the embedded engine a
    /// <see cref="SkippingClock"/> that runs at least as fast as real time and, while a test waits for an
    /// instance to complete (<see cref="WaitAsync"/>), skips to the next timer whenever the engine is idle and
    /// no scripted runner is working: durable timers, deadlines, polling and throttling then cost no real time,
    /// and a slow machine makes the test slower, never different. The system clock on the SDK backend (its
    /// orchestrations keep the backend's own clock) or when asked for.</summary>
    public TimeProvider Time { get; }

    /// <summary>The skipping clock, when <see cref="Time"/> is one.</summary>
    public SkippingClock? Clock { get; }

    public string Root { get; }

    public IServiceProvider Services { get; }

    public InMemoryCloudRun CloudRun { get; } = new();

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>Every payload the SDK worker and client serialized or read (SDK engines).</summary>
    public RecordingDataConverter Payloads { get; } = new(BatchJson.Options);

    public Func<RunnerCall, Task> Runner { get; set; }

    /// <summary>When set, the object store runs it before each delete by prefix (the purge's object step).</summary>
    public Func<string, CancellationToken, Task>? BeforeDeleteByPrefix { get; set; }

    public int MaxInFlight => _maxInFlight;

    public DurableTaskClient Client => _services.GetRequiredService<DurableTaskClient>();

    public IBatchStore Batches => _services.GetRequiredService<IBatchStore>();

    public IResultStore Results => _services.GetRequiredService<IResultStore>();

    public IObjectStore Objects => _services.GetRequiredService<IObjectStore>();

    public Service.BatchService Service => _services.GetRequiredService<Service.BatchService>();

    public Service.OrphanReaper Reaper => _services.GetRequiredService<Service.OrphanReaper>();

    /// <summary>The embedded engine's SQLite file, for tests about that engine's own storage.</summary>
    public string EngineDatabase => Engine == EngineKind.Embedded ? Path.Combine(Root, "engine.db") : throw new InvalidOperationException($"{Engine} has no embedded engine database.");

    public static readonly WorkflowSettings FastSettings = new(500, PollingOptions.Local with
    {
        FirstDelay = TimeSpan.FromMilliseconds(50),
        MaxDelay = TimeSpan.FromMilliseconds(200),
        StartGrace = TimeSpan.FromSeconds(2),
        TimeoutGrace = TimeSpan.FromMilliseconds(500),
        // The scripted runner has no setup or uploads to wait for: the orchestrator's deadline is the task's timeout + grace.
        AttemptLimits = new AttemptTimeLimits(SetupSeconds: 0, UploadMarginSeconds: 0),
        ThrottleFirstDelay = TimeSpan.FromMilliseconds(50),
        ThrottleMaxDelay = TimeSpan.FromMilliseconds(200),
        ExecutionCheckEvery = 2,
    }, FaultThreshold: 3, ActivityAttempts: 2);

    /// <summary>For the real runner script: its setup and uploads take real time after the claim, so the
    /// orchestrator's deadline keeps the production allowances on top of the task's timeout.</summary>
    public static readonly WorkflowSettings RealRunnerSettings = FastSettings with
    {
        Polling = FastSettings.Polling with { AttemptLimits = AttemptTimeLimits.Default },
    };

    /// <summary>Where the object store keeps bucket <c>test-bucket</c>: the layout the runner's gcloud
    /// stand-in uses (<c>$GCS_LOCAL_ROOT/BUCKET/OBJECT</c>), so the real runner and the store share it.</summary>
    public static string ObjectRoot(string root) => Path.Combine(root, "gcs", "test-bucket");

    public static async Task<WorkflowHarness> StartAsync(
        EngineKind engine, Func<RunnerCall, Task>? runner = null, Func<string, Func<IServiceProvider, ICloudRunJobsClient>>? jobs = null, Action<IServiceCollection>? ports = null,
        WorkflowSettings? settings = null, bool realTime = false, string? root = null, bool wakeups = false)
    {
        // A root left by StopAsync: the same SQLite files and objects, as a host restarted on its data folder.
        root ??= Directory.CreateTempSubdirectory("workflows-").FullName;
        Directory.CreateDirectory(ObjectRoot(root));
        var harness = new WorkflowHarness(engine, root, runner, jobs?.Invoke(root), ports, settings, realTime, wakeups);
        try
        {
            foreach (var hosted in harness._services.GetServices<Microsoft.Extensions.Hosting.IHostedService>())
            {
                await hosted.StartAsync(CancellationToken.None);
            }

            harness._backend = await StartBackendAsync(engine, harness._services);
            if (harness.Clock is { } clock)
            {
                harness._stopDriving = new CancellationTokenSource();
                var stop = harness._stopDriving.Token;
                var durable = harness._services.GetRequiredService<DurableEngine>();
                harness._driver = Task.Run(() => harness.DriveClockAsync(clock, durable, stop), CancellationToken.None);
            }
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }

        return harness;
    }

    /// <summary>The seam between the harness and an SDK backend: started with the harness's services (its
    /// activities resolve their classes from them), it hands back a client of its task hub.</summary>
    private static async Task<ISdkBackend?> StartBackendAsync(EngineKind engine, IServiceProvider services) => engine switch
    {
        EngineKind.Embedded => null,
        EngineKind.DurableTaskSdk => await InProcessBackend.StartAsync(services),
        _ => throw new ArgumentOutOfRangeException(nameof(engine), engine, "Unknown engine."),
    };

    /// <summary>Stores a batch and schedules its orchestration, as the batch service does.</summary>
    public async Task<string> SubmitAsync(string json, WorkflowSettings? settings = null, BatchLimits? limits = null)
    {
        var intake = BatchIntake.Read(Encoding.UTF8.GetBytes(json), limits ?? new BatchLimits(), new BatchDefaults(), () => "generated");
        Assert.True(intake.IsValid, string.Join("\n", intake.Problems));
        var now = Time.GetUtcNow();
        await Batches.InsertIfAbsentAsync(new StoredBatch(intake.Batch.Id, intake.Hash, "n1", BatchStatus.Pending, null, now, now, intake.Batch.TotalRuns, CanonicalJson.Serialize(intake.Batch)));
        return await Client.ScheduleNewOrchestrationInstanceAsync(nameof(BatchOrchestrator), new BatchInput(intake.Batch.Id, settings ?? FastSettings), new StartOrchestrationOptions(intake.Batch.Id));
    }

    /// <summary>Waits (at most <paramref name="seconds"/> of real time) for the instance to complete, skipping
    /// time meanwhile on the skipping clock.</summary>
    public async Task<OrchestrationMetadata> WaitAsync(string instanceId, int seconds = 60)
    {
        Interlocked.Increment(ref _waiters);
        try
        {
            return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true).WaitAsync(TimeSpan.FromSeconds(seconds));
        }
        finally
        {
            Interlocked.Decrement(ref _waiters);
        }
    }

    public int StartsOf(string taskId) => _perTaskStarts.GetValueOrDefault(taskId);

    private async Task OnStartedAsync(CloudRunExecution execution)
    {
        if (execution.Environment.TryGetValue(PackManifest.Variable, out var manifestUri))
        {
            // A packed execution: a scripted runner per task, each on its manifest line's attempt.
            await using var manifest = await Objects.GetAsync(PackManifest.ObjectName(manifestUri)) ?? throw new InvalidOperationException($"{manifestUri} is missing");
            foreach (var entry in PackManifest.Parse(Encoding.UTF8.GetString(await manifest.ReadAllBytesAsync())))
            {
                Play(Call(execution, entry.PrefixUri, entry.TaskIndex));
            }

            return;
        }

        Play(Call(execution, execution.Environment["RUN_PREFIX"], null));
    }

    private RunnerCall Call(CloudRunExecution execution, string prefixUri, int? taskIndex)
    {
        var prefix = prefixUri["gs://test-bucket/".Length..];
        var parts = prefix.TrimEnd('/').Split('/');
        return new RunnerCall(this, execution, prefix, parts[3], int.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[5][1..], System.Globalization.CultureInfo.InvariantCulture))
        {
            TaskIndex = taskIndex,
        };
    }

    private void Play(RunnerCall call)
    {
        _perTaskStarts.AddOrUpdate(call.TaskId, 1, (_, n) => n + 1);
        var now = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref _maxInFlight, now);
        // Busy from the start request (the StartRun activity is still running) until the script ends or parks.
        Interlocked.Increment(ref _busyRunners);
        _ = Task.Run(async () =>
        {
            try
            {
                await Runner(call);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
                Interlocked.Decrement(ref _busyRunners);
            }
        });
    }

    /// <summary>Stops the skipping clock until the result is disposed: for a test that must act (raise an
    /// event, read a count) at a point of the workflow that later timers would carry it past. Real time still
    /// passes on the system clock.</summary>
    public IDisposable PauseClock()
    {
        Interlocked.Increment(ref _pauses);
        return new ClockPause(this);
    }

    /// <summary>A runner the harness did not start (a test's own fake plays it) works until the result is
    /// disposed: time does not skip meanwhile.</summary>
    public IDisposable RunnerWorking()
    {
        Unpark();
        return new Working(this);
    }

    /// <summary>Waits <paramref name="delay"/> on the harness's clock, parked: on the skipping clock the wait costs no
    /// real time, and the caller counts as working again from the instant the clock reaches the end.</summary>
    public async Task DelayParkedAsync(TimeSpan delay)
    {
        var elapsed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Park();
        // Unparked in the timer's callback, which the clock runs inside its advance: the driver cannot skip
        // again before the caller has had its turn.
        using var timer = Time.CreateTimer(_ =>
        {
            if (elapsed.TrySetResult())
            {
                Unpark();
            }
        }, null, delay, Timeout.InfiniteTimeSpan);
        await elapsed.Task;
    }

    /// <summary>A scripted runner stops working (it waits for the clock or for the test): time may skip.</summary>
    internal void Park() => Interlocked.Decrement(ref _busyRunners);

    /// <summary>A parked runner works again: time stands still until it ends or parks.</summary>
    internal void Unpark() => Interlocked.Increment(ref _busyRunners);

    // The clock follows real time (so a test that acts mid-run sees the pace it always did) unless paused; while
    // a test waits for completion it also skips to the next timer when nothing works in real time: the engine
    // idle (both dispatchers waiting, no activity running) and every scripted runner ended or parked, seen twice
    // in a row with no commit, work item or timer change between the looks (a change means someone worked).
    private async Task DriveClockAsync(SkippingClock clock, DurableEngine engine, CancellationToken stop)
    {
        (long, long, long)? quiet = null;
        var last = System.Diagnostics.Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(1, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            var real = System.Diagnostics.Stopwatch.GetElapsedTime(last, now);
            last = now;
            if (Volatile.Read(ref _pauses) > 0)
            {
                quiet = null;
                continue;
            }

            if (Volatile.Read(ref _waiters) > 0 && engine.IsIdle && Volatile.Read(ref _busyRunners) == 0 && clock.NextDue is { } due)
            {
                var mark = (engine.Commits, engine.WorkItems, clock.Version);
                if (quiet == mark)
                {
                    clock.AdvanceTo(due);
                    quiet = null;
                    continue;
                }

                quiet = mark;
            }
            else
            {
                quiet = null;
            }

            clock.Advance(real);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    /// <summary>Stops the host as a process stop would (the engine signals its running activities, which are then
    /// not acknowledged) and keeps <see cref="Root"/>, for a harness started on it again (<c>root:</c>).</summary>
    public ValueTask StopAsync()
    {
        _keepRoot = true;
        return DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_stopDriving is not null)
        {
            await _stopDriving.CancelAsync();
            await _driver!;
            _stopDriving.Dispose();
        }

        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }

        foreach (var hosted in _services.GetServices<Microsoft.Extensions.Hosting.IHostedService>())
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_keepRoot)
        {
            return;
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A runner task may still be writing; the temp folder is left behind.
        }
    }

    /// <summary>When set, git lookups (and so PrepareBatch of a batch with a git input) wait for it.</summary>
    public TaskCompletionSource? GitGate { get; set; }

    private sealed class ClockPause(WorkflowHarness harness) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref harness._pauses);
            }
        }
    }

    private sealed class Working(WorkflowHarness harness) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                harness.Park();
            }
        }
    }

    private sealed class FixedGit(WorkflowHarness harness) : IGitResolver
    {
        public async Task<string> ResolveAsync(string url, string gitRef, CancellationToken cancellationToken = default)
        {
            if (harness.GitGate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            return new string('c', 40);
        }
    }
}
