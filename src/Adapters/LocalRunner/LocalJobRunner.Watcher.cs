using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Orchestration.Activities.CloudRun;
using Orchestration.Domain.Specs;

namespace Orchestration.Adapters.LocalRunner;

/// <summary>The watcher: starts pending executions within the parallelism bound, enforces timeouts and kills.</summary>
public sealed partial class LocalJobRunner
{
    /// <summary>
    /// Runs as <c>bash -c WRAPPER name FOLDER RUNNER...</c> inside its own session. It records its own
    /// pid and start ticks before the runner starts (so the identity exists even if the host dies
    /// right after launching), defers SIGTERM while the runner handles it (a handler, not an ignore, so
    /// the runner does not inherit an ignored signal), skips the runner when cancelled before it began,
    /// writes the exit code atomically, then kills leftovers of its group. Without a recorded pid it
    /// never runs the runner: a host could not watch it, and would report it failed after the launch grace.
    /// </summary>
    private const string WrapperScript = """
        dir=$1; shift
        exec </dev/null >>"$dir/stdout.log" 2>>"$dir/stderr.log"
        term=
        trap 'term=1' TERM
        stat=$(<"/proc/$$/stat")
        read -r -a fields <<< "${stat##*) }"
        printf '%s %s\n' "$$" "${fields[19]}" > "$dir/pid.tmp" && mv -f "$dir/pid.tmp" "$dir/pid" || exit 125
        if [ -n "$term" ] || [ -e "$dir/cancelled" ]; then
          code=143
        else
          "$@"
          code=$?
        fi
        printf '%s\n' "$code" > "$dir/exit.tmp" && mv -f "$dir/exit.tmp" "$dir/exit"
        trap - TERM
        kill -KILL -- -$$ 2>/dev/null
        exit "$code"
        """;

    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Task _loop;
    private readonly HashSet<string> _finished = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _open = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastScan;
    private readonly HashSet<string> _killed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _watched = new(StringComparer.Ordinal);
    private readonly HashSet<string> _launchedHere = new(StringComparer.Ordinal);

    /// <summary>Stops watching. Never touches the executions: they are detached and a later host re-adopts them.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // The loop ends by cancellation; nothing else to report at disposal.
        }

        AbandonDrivers();

        _stop.Dispose();
        _wake.Dispose();
    }

    /// <summary>Runs one watcher pass now over every execution folder (tests; the loop runs them every <see cref="LocalRunnerOptions.PollInterval"/>).</summary>
    internal void WatchOnce() => WatchOnce(scan: true);

    /// <summary>One pass: starts what is pending, enforces limits, notes what ended.</summary>
    /// <param name="scan">Read the executions folder for executions this process does not know (another host's, or
    /// this host's before a restart); otherwise the pass visits only the executions it knows to be open. The loop scans
    /// at most once per <see cref="LocalRunnerOptions.PollInterval"/>: a pass per start and per end that listed every
    /// execution ever made made a batch's passes grow with the square of its runs.</param>
    private void WatchOnce(bool scan)
    {
        using var schedulerLock = TryLockScheduler();
        if (schedulerLock is null)
        {
            // Another host on this state folder is doing the pass; it will start what is pending.
            return;
        }

        var pending = new List<(LocalExecutionFolder Folder, LocalExecutionRecord Record)>();
        var active = 0;
        var now = _time.GetUtcNow();
        scan |= _lastScan is not { } last || now - last >= _options.PollInterval;
        if (scan)
        {
            _lastScan = now;
            foreach (var path in Directory.EnumerateDirectories(ExecutionsFolder))
            {
                if (Path.GetFileName(path) is var found && !_finished.Contains(found))
                {
                    _open.TryAdd(found, 0);
                }
            }
        }

        foreach (var id in _open.Keys)
        {
            if (_finished.Contains(id) || ReadRecord(id) is not { } record)
            {
                _open.TryRemove(id, out _);
                continue;
            }

            var folder = Folder(id);
            var observation = Observe(folder, record);
            if (observation.IsTerminal)
            {
                _finished.Add(id);
                _open.TryRemove(id, out _);
                // Once per execution this host sees end (after a restart, also each one that ended before it).
                _ends?.Ended(record.Name);
            }
            else if (!observation.Launched)
            {
                pending.Add((folder, record));
            }
            else
            {
                active++;
                Enforce(folder, record, observation);
            }
        }

        foreach (var (folder, record) in pending.OrderBy(p => p.Record.CreateTime).ThenBy(p => p.Record.Id, StringComparer.Ordinal))
        {
            if (active >= _options.MaxParallelExecutions)
            {
                break;
            }

            if (Launch(folder, record))
            {
                active++;
            }
        }
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A pass is already due: one pass serves every start requested before it.
        }
        catch (ObjectDisposedException)
        {
            // Disposed host: the next host's watcher starts it.
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                WatchOnce(scan: false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                _logger.LocalWatchFailed(ex);
            }

            using var timeout = new CancellationTokenSource(_options.PollInterval, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            try
            {
                await _wake.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Poll interval elapsed.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Takes the cross-process scheduler lock (flock through FileShare.None), or null when another host holds it.</summary>
    private FileStream? TryLockScheduler()
    {
        try
        {
            return new FileStream(Path.Combine(_stateFolder, "scheduler.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private void Enforce(LocalExecutionFolder folder, LocalExecutionRecord record, LocalObservation observation)
    {
        if (record.IsNative)
        {
            EnforceNative(folder, record, observation);
            return;
        }

        if (_watched.Add(record.Id) && !_launchedHere.Contains(record.Id))
        {
            _logger.LocalExecutionAdopted(record.Name, observation.ProcessGroup ?? 0);
        }

        if (observation.ProcessGroup is not { } group)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (observation.StartTime is { } started && now - started > record.Timeout
            && !File.Exists(folder.CancelledFile) && LocalStateFiles.TryCreateMarker(folder.TimedOutFile, now))
        {
            _logger.LocalExecutionTimedOut(record.Name, record.Timeout);
            LocalProcess.SignalGroup(group, LocalProcess.SigTerm);
        }

        var termAt = LocalStateFiles.ReadMarker(folder.CancelledFile) ?? LocalStateFiles.ReadMarker(folder.TimedOutFile);
        if (termAt is { } at && now - at > _options.KillGrace && !_killed.Contains(record.Id))
        {
            // Only while the wrapper is alive (identity checked above), so the group id is still ours.
            _logger.LocalExecutionKilled(record.Name, _options.KillGrace);
            LocalProcess.SignalGroup(group, LocalProcess.SigKill);
            _killed.Add(record.Id);
        }
    }

    /// <summary>A native execution: a driver here (re-adopted after a restart), and its timeout fires the driver's terminate.</summary>
    private void EnforceNative(LocalExecutionFolder folder, LocalExecutionRecord record, LocalObservation observation)
    {
        if (!_drivers.ContainsKey(record.Id))
        {
            StartDriver(folder, record, resumed: !_launchedHere.Contains(record.Id));
        }

        var now = _time.GetUtcNow();
        if (observation.StartTime is { } started && now - started > record.Timeout
            && !File.Exists(folder.CancelledFile) && LocalStateFiles.TryCreateMarker(folder.TimedOutFile, now))
        {
            _logger.LocalExecutionTimedOut(record.Name, record.Timeout);
            TerminateDriver(record.Id);
        }
    }

    private bool Launch(LocalExecutionFolder folder, LocalExecutionRecord record)
    {
        if (File.Exists(folder.CancelledFile))
        {
            return false;
        }

        Directory.CreateDirectory(folder.Workspace);
        // A native execution's marker is not fsync'd: if a machine crash loses it, the execution is launched again and
        // its driver resumes from its journal, which is durable and never spawns the work twice. A script execution
        // has no such journal: its marker is what stops a second start of the runner.
        var now = _time.GetUtcNow();
        if (!LocalStateFiles.TryCreateMarker(folder.LaunchedFile, now, durable: !record.IsNative))
        {
            return false;
        }

        _launchedHere.Add(record.Id);
        _launched.TryAdd(record.Id, now);
        if (record.IsNative)
        {
            StartDriver(folder, record, resumed: false);
            return true;
        }

        var start = new ProcessStartInfo(_options.SetsidPath)
        {
            UseShellExecute = false,
            WorkingDirectory = folder.Workspace,
        };
        foreach (var argument in (IEnumerable<string>)[_options.BashPath, "-c", WrapperScript, "orchestration-local-runner", folder.Path, .. _runnerCommand])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (name, value) in EnvironmentOf(folder, record))
        {
            start.Environment[name] = value;
        }

        try
        {
            var process = Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned no process.");
            _logger.LocalExecutionLaunched(record.Name, process.Id);
            _ = WakeOnExitAsync(process);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            // Never started: say so in the exit file, as the wrapper would, so the state is failed, not pending forever.
            _logger.LocalLaunchFailed(record.Name, ex);
            File.WriteAllText(folder.ExitFile, "127\n");
        }

        return true;
    }

    /// <summary>
    /// Wakes the watcher when a process launched here ends (setsid execs the wrapper, so this is the
    /// execution's end): its slot frees for a pending execution at once instead of at the next
    /// <see cref="LocalRunnerOptions.PollInterval"/>, which otherwise caps short runs at
    /// MaxParallelExecutions per interval. Adopted executions still free their slots on the poll.
    /// </summary>
    private async Task WakeOnExitAsync(Process process)
    {
        using (process)
        {
            try
            {
                await process.WaitForExitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        Wake();
    }

    /// <summary>The process environment: inherited allow-list, machine extras, the job's env and overrides, local secrets, PATH shim, Cloud Run's variables.</summary>
    private Dictionary<string, string> EnvironmentOf(LocalExecutionFolder folder, LocalExecutionRecord record)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in _options.InheritedVariables)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                env[name] = value;
            }
        }

        foreach (var (name, value) in _options.ExtraEnvironment)
        {
            env[name] = value;
        }

        foreach (var (name, value) in record.Environment)
        {
            env[name] = value;
        }

        foreach (var (name, secret) in record.Secrets)
        {
            if (ResolveSecret(secret) is { } value)
            {
                env[name] = value;
            }
            else
            {
                _logger.LocalSecretMissing(record.Name, name, secret.Secret);
            }
        }

        if (!string.IsNullOrEmpty(_options.ShimFolder))
        {
            var shim = Path.GetFullPath(_options.ShimFolder);
            env["PATH"] = env.TryGetValue("PATH", out var path) && path.Length > 0 ? $"{shim}:{path}" : $"{shim}:/usr/local/bin:/usr/bin:/bin";
        }

        env[RunnerContract.ExecutionVariable] = record.Id;
        env["CLOUD_RUN_JOB"] = record.JobId;
        env["CLOUD_RUN_TASK_INDEX"] = "0";
        env["CLOUD_RUN_TASK_COUNT"] = "1";
        env["CLOUD_RUN_TASK_ATTEMPT"] = "0";
        env[WorkspaceVariable] = folder.Workspace;
        return env;
    }

    /// <summary>A local secret by its id or full name (<c>projects/P/secrets/S</c> also tries <c>S</c>).</summary>
    private string? ResolveSecret(CloudRunSecretRef secret)
    {
        if (_options.SecretValues.TryGetValue(secret.Secret, out var value))
        {
            return value;
        }

        var slash = secret.Secret.LastIndexOf('/');
        return slash >= 0 && _options.SecretValues.TryGetValue(secret.Secret[(slash + 1)..], out value) ? value : null;
    }

    private void OnFinished(LocalExecutionFolder folder, LocalExecutionRecord record, LocalObservation observation)
    {
        _logger.LocalExecutionFinished(record.Name, observation.State, observation.FailureReason ?? "none");
        if (!_options.KeepWorkspaces && Directory.Exists(folder.Workspace))
        {
            try
            {
                Directory.Delete(folder.Workspace, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LocalWorkspaceNotDeleted(record.Name, ex.GetType().Name);
            }
        }
    }
}
