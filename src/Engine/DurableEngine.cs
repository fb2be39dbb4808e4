using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestration.Durable;

namespace Orchestration.Engine;

/// <summary>The embedded durable engine: runs orchestrators and activities durably over one SQLite file.</summary>
/// <remarks>Event-sourced: each instance's history is appended in the same transaction that consumes the
/// messages that caused it, and activity results are appended in the transaction that acknowledges the
/// activity, so a crash at any instant loses nothing (activities are at least once). Start it as a hosted
/// service (<see cref="EngineServiceCollectionExtensions.AddEmbeddedDurableEngine"/>) or directly.</remarks>
public sealed partial class DurableEngine : IHostedService, IAsyncDisposable
{
    private const long NotWaiting = long.MinValue;
    private readonly EmbeddedEngineOptions _options;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly DataConverter _converter;
    private readonly string _connectionString;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _orchestrationSignal = new(0, 1);
    private readonly SemaphoreSlim _activitySignal = new(0, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _instanceWaiters = new(StringComparer.Ordinal);
    private CommitWriter? _writer;
    private CancellationTokenSource? _stopping;
    private Task? _orchestrationLoop;
    private Task? _activityLoop;
    private long _workItems;
    private bool _disposed;
    private long _orchestrationsWaitUntil = NotWaiting;
    private bool _activitiesWaiting;

    /// <summary>Creates the engine; call <see cref="StartAsync"/> to start dispatching.</summary>
    /// <param name="options">Settings and registrations.</param>
    /// <param name="services">Services for activity constructors; none when null.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="timeProvider">The clock for timers and timestamps; the system clock when null.</param>
    public DurableEngine(EmbeddedEngineOptions options, IServiceProvider? services = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.UseTemporaryFile && string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            throw new ArgumentException("Set EmbeddedEngineOptions.DatabasePath or UseTemporaryFile.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentActivities, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxMessagesPerRound, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxOperationsPerCommit, 1, nameof(options));
        _options = options;
        _services = services ?? EmptyServiceProvider.Instance;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<DurableEngine>();
        _time = timeProvider ?? TimeProvider.System;
        _converter = new JsonDataConverter(options.SerializerOptions);
        DatabasePath = options.UseTemporaryFile
            ? Path.Combine(Path.GetTempPath(), $"orchestration-engine-{Guid.NewGuid():N}.db")
            : Path.GetFullPath(options.DatabasePath!);
        _connectionString = EngineDatabase.ConnectionString(DatabasePath);
        Client = new EmbeddedDurableTaskClient(this);
    }

    /// <summary>The client for starting and managing instances.</summary>
    /// <remarks>Scheduling an id that exists: while that instance is pending or running the call throws
    /// <see cref="InvalidOperationException"/>; once it has completed, failed or been terminated it is replaced
    /// (old history deleted, new execution). Durable's backends differ here, so callers that care check
    /// first. Raising an event for, or terminating, an unknown or ended instance does nothing; purging a running one throws.</remarks>
    public DurableTaskClient Client { get; }

    /// <summary>The SQLite file in use.</summary>
    public string DatabasePath { get; }

    /// <summary>The converter every payload crosses (built from <see cref="EmbeddedEngineOptions.SerializerOptions"/>).</summary>
    public DataConverter DataConverter => _converter;

    /// <summary>Durable commits since this engine opened the file.</summary>
    public long Commits => _writer?.Commits ?? 0;

    /// <summary>Work items processed: orchestration episodes, activity executions and timer firings.</summary>
    public long WorkItems => Interlocked.Read(ref _workItems);

    /// <summary>Whether both dispatchers wait with nothing to do: no visible message, no activity running, none
    /// unread, no commit signalled and not yet taken up. Timers may be pending: with a fake clock, advancing it
    /// to the next one is what wakes the engine. For test drivers that skip time only while the engine is quiet;
    /// a snapshot, stale at once (a caller confirms it over <see cref="Commits"/> and <see cref="WorkItems"/>).</summary>
    /// <remarks>The orchestration dispatcher counts as busy from the moment its next due time is reached, before its
    /// timer's continuation runs, so a driver that just advanced the clock never reads the old wait as idle.</remarks>
    internal bool IsIdle =>
        Interlocked.Read(ref _orchestrationsWaitUntil) is var until && until != NotWaiting && until > UtcNow().Ticks
        && Volatile.Read(ref _activitiesWaiting)
        && _orchestrationSignal.CurrentCount == 0 && _activitySignal.CurrentCount == 0
        && _runningActivities.IsEmpty && _activityRetries.IsEmpty;

    internal EmbeddedEngineOptions Options => _options;

    internal TimeProvider Time => _time;

    internal string ConnectionString => _connectionString;

    internal CommitWriter Writer => EnsureOpen();

    /// <summary>Opens the file (creating the schema) so reads work before <see cref="StartAsync"/>.</summary>
    internal string EnsureReadable()
    {
        EnsureOpen();
        return _connectionString;
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_stopping is not null)
            {
                return Task.CompletedTask;
            }

            EnsureOpen();
            _stopping = new CancellationTokenSource();
            var token = _stopping.Token;
            _orchestrationLoop = Task.Run(() => OrchestrationLoopAsync(token), CancellationToken.None);
            _activityLoop = Task.Run(() => ActivityLoopAsync(token), CancellationToken.None);
        }

        Logs.EngineStarted(_logger, DatabasePath);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>Signals running activities (their context's cancellation token) and waits for them: a result that
    /// arrives is recorded, an activity that ends by that cancellation is not acknowledged and runs again after a
    /// restart. The engine cannot be started again.</remarks>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        CommitWriter? writer;
        CancellationTokenSource? stopping;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            writer = _writer;
            stopping = _stopping;
        }

        if (stopping is not null)
        {
            await stopping.CancelAsync();
            await Task.WhenAll(_orchestrationLoop!, _activityLoop!).WaitAsync(cancellationToken);
            try
            {
                await Task.WhenAll(_runningActivities.Keys).WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Shutdown timed out: unfinished activities are not acknowledged and run again after a restart.
            }

            stopping.Dispose();
        }

        if (writer is not null)
        {
            Logs.EngineStopped(_logger, writer.Commits);
            await writer.DisposeAsync();
        }

        foreach (var waiter in _instanceWaiters.Values)
        {
            waiter.TrySetCanceled(CancellationToken.None);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        using (var pooled = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(pooled); // only this file's idle connections; other engines keep theirs
        }

        if (_options.UseTemporaryFile)
        {
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
            {
                File.Delete(DatabasePath + suffix);
            }
        }

        _orchestrationSignal.Dispose();
        _activitySignal.Dispose();
    }

    internal DateTime UtcNow() => _time.GetUtcNow().UtcDateTime;

    /// <summary>A task that completes at the next committed change of the instance's row.</summary>
    internal Task NextInstanceChange(string instanceId)
        => _instanceWaiters.GetOrAdd(instanceId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private CommitWriter EnsureOpen()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _writer ??= new CommitWriter(
                _connectionString, _options.MaxOperationsPerCommit, _options.KillAfterCommit, AfterCommit, _logger);
        }
    }

    private void AfterCommit(WriteBatch batch)
    {
        if (batch.InboxChanged)
        {
            Signal(_orchestrationSignal);
        }

        if (batch.ActivitiesChanged)
        {
            Signal(_activitySignal);
        }

        if (!_instanceWaiters.IsEmpty)
        {
            foreach (var id in batch.ChangedInstances)
            {
                if (_instanceWaiters.TryRemove(id, out var waiter))
                {
                    waiter.TrySetResult();
                }
            }
        }
    }

    private static void Signal(SemaphoreSlim signal)
    {
        try
        {
            if (signal.CurrentCount == 0)
            {
                signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
        catch (ObjectDisposedException)
        {
            // Stopping.
        }
    }

    /// <summary>How far the clock may move between computing a wait and starting it before the wait is computed again.</summary>
    private static readonly TimeSpan ClockSlip = TimeSpan.FromMilliseconds(5);

    private async Task WaitForSignalAsync(SemaphoreSlim signal, DateTime? dueAt, CancellationToken cancellationToken)
    {
        if (dueAt is null)
        {
            await signal.WaitAsync(cancellationToken);
            return;
        }

        var now = UtcNow();
        var delay = dueAt.Value - now;
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signalled = signal.WaitAsync(cts.Token);
        var elapsed = Task.Delay(delay, _time, cts.Token);
        if (UtcNow() - now > ClockSlip)
        {
            // The clock moved between its reading and the delay's start (a fake clock advanced by another thread): the
            // delay would end that much late, never if nothing advances the clock again. The caller looks again.
            elapsed = Task.CompletedTask;
        }

        await Task.WhenAny(signalled, elapsed);
        await cts.CancelAsync();
        try
        {
            await signalled;
        }
        catch (OperationCanceledException)
        {
            // The timer won.
        }

        cancellationToken.ThrowIfCancellationRequested();
    }
}
