using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestration.Activities;
using Orchestration.Activities.CloudRun;
using Orchestration.Adapters.CloudRun;

namespace Orchestration.Adapters.LocalRunner;

/// <summary>
/// <see cref="ICloudRunJobsClient"/> on this machine: each execution runs the runner command as a
/// detached local process, with its state in files, so it outlives the host and a restarted host
/// re-adopts it.
/// </summary>
/// <remarks>
/// <para>
/// Why files and detached processes: the standalone host may crash or be restarted while runs are in
/// flight; Cloud Run executions would carry on, so local ones must too, and a new host must neither
/// lose them nor start them again (the orchestrator would otherwise spend an attempt).
/// </para>
/// <para>
/// Each execution is started as <c>setsid bash -c WRAPPER</c>: its own session and process group,
/// stdin from /dev/null and stdout/stderr to files, so it survives the host and can be signalled as a
/// group. The wrapper records "pid starttime" in <c>pid</c>, runs the runner, writes the exit code to
/// <c>exit</c> (temp + rename), then kills whatever the runner left behind in its group (a container
/// would end too). Any host that opens the state folder watches the files: a pid whose
/// <c>/proc/{pid}/stat</c> start time no longer matches is gone (pid reuse), gone without an exit
/// file is failed. Pending executions are started by whichever host holds the scheduler lock
/// (<c>scheduler.lock</c>, flock), at most <see cref="LocalRunnerOptions.MaxParallelExecutions"/> at
/// once; timeouts and cancels send SIGTERM to the group and SIGKILL after
/// <see cref="LocalRunnerOptions.KillGrace"/>; both are decided from the files, so a restarted host
/// enforces them too.
/// </para>
/// <para>
/// Linux-specific: <c>setsid</c> (util-linux), <c>/proc/{pid}/stat</c> and <c>kill(2)</c> on a
/// group. macOS would need <c>ps -o lstart</c> for the identity and a setsid stand-in. A service
/// manager that kills a whole cgroup (systemd's default <c>KillMode=control-group</c>) kills the
/// executions with the host: use <c>KillMode=process</c> there.
/// </para>
/// <para>
/// With the native executor (<see cref="LocalRunnerOptions.Executor"/>, the default) there is no runner
/// process: a driver task in this host runs <see cref="Native.NativeExecutor"/> for the execution, which
/// hands only the work to the host's one spawner (a detached bash that forks it as a process group of its own)
/// and keeps its journal in the execution's folder. A host that
/// finds a launched native execution with no driver (after a restart) starts one, under the execution's
/// lock on its <c>native/</c> folder, and it resumes from the journal; cancel and timeout fire the driver's terminate.
/// </para>
/// <para>
/// Secrets: the job's Secret Manager references resolve from
/// <see cref="LocalRunnerOptions.SecretValues"/> at start (omitted when absent, with a warning); they
/// reach the process environment only (for native executions, through the spawner's pipe), never the state folder. Jobs are always Ready; the image,
/// CPU, memory, service account and parallelism are ignored (every execution has one task).
/// </para>
/// </remarks>
public sealed partial class LocalJobRunner : ICloudRunJobsClient, IDisposable
{
    /// <summary>The parent of every local resource name.</summary>
    public const string Parent = "projects/local/locations/local";

    /// <summary>Env variable holding the execution's workspace folder.</summary>
    public const string WorkspaceVariable = "RUNNER_WORKSPACE";

    private const string SuffixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    private readonly LocalRunnerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LocalJobRunner> _logger;
    private readonly IExecutionEnds? _ends;
    private readonly TokenBucketStartRateLimiter? _startLimiter;
    private readonly ConcurrentDictionary<string, LocalExecutionRecord> _records = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LocalObservation> _terminal = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _launched = new(StringComparer.Ordinal);
    private readonly string _stateFolder;
    private readonly IReadOnlyList<string> _runnerCommand;

    /// <summary>Creates the runner over its state folder and starts watching it (re-adopting what a previous host left).</summary>
    /// <param name="options">Runner command, state folder, limits.</param>
    /// <param name="timeProvider">Clock.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="ends">Told of each execution's end as this runner sees it (the run that polls it then polls at once).</param>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    public LocalJobRunner(IOptions<LocalRunnerOptions> options, TimeProvider timeProvider, ILogger<LocalJobRunner> logger, IExecutionEnds? ends = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The local job runner needs Linux (setsid, /proc, process-group signals).");
        }

        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
        _ends = ends;
        _stateFolder = Path.GetFullPath(_options.StateFolder);
        _runnerCommand = ResolveCommand(_options.RunnerCommand);
        if (_options.Executor == LocalExecutor.Script && _runnerCommand.Count == 0)
        {
            throw new ArgumentException("LocalRunner:RunnerCommand is empty.", nameof(options));
        }

        if (_options.Executor == LocalExecutor.Native && string.IsNullOrWhiteSpace(_options.ObjectsRoot))
        {
            throw new ArgumentException("LocalRunner:ObjectsRoot is required for the native executor.", nameof(options));
        }

        if (_options.StartsPerMinute > 0)
        {
            _startLimiter = new TokenBucketStartRateLimiter(_options.StartsPerMinute, _options.StartBurst, timeProvider);
        }

        Directory.CreateDirectory(JobsFolder);
        Directory.CreateDirectory(ExecutionsFolder);
        _loop = Task.Run(() => WatchAsync(_stop.Token));
    }

    private string JobsFolder => Path.Combine(_stateFolder, "jobs");

    private string ExecutionsFolder => Path.Combine(_stateFolder, "executions");

    /// <inheritdoc />
    /// <remarks>Records the job in <c>jobs/{id}.json</c>; an existing record is kept as it is (the id hashes the configuration).</remarks>
    public Task<CloudRunJob> EnsureJobAsync(CloudRunJobSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ValidateId(spec.JobId, nameof(spec));
        var path = JobFile(spec.JobId);
        var record = new LocalJobRecord(
            spec.JobId,
            $"{Parent}/jobs/{spec.JobId}",
            new Dictionary<string, string>(spec.Environment, StringComparer.Ordinal),
            new Dictionary<string, CloudRunSecretRef>(spec.Secrets, StringComparer.Ordinal),
            new Dictionary<string, string>(spec.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal),
            spec.Timeout,
            _time.GetUtcNow());
        if (LocalStateFiles.TryCreateJson(path, record))
        {
            _logger.LocalJobRecorded(spec.JobId);
        }

        var stored = LocalStateFiles.ReadJson<LocalJobRecord>(path) ?? record;
        return Task.FromResult(ToJob(stored));
    }

    /// <inheritdoc />
    /// <remarks>
    /// Records the execution (pending) and returns its name at once; the watcher starts it when a
    /// parallelism slot is free. Throws <see cref="CloudServiceException"/> NOT_FOUND for an unknown job.
    /// A zero or negative <paramref name="timeout"/> takes the job's. Only single-task executions: local mode
    /// keeps one process per attempt, so a <paramref name="taskCount"/> other than 1 throws
    /// <see cref="ArgumentOutOfRangeException"/> (callers pack only in cloud mode; see README, Packs).
    /// </remarks>
    public async Task<RunExecutionResult> RunExecutionAsync(
        string jobId, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, int taskCount = 1, CancellationToken cancellationToken = default)
    {
        ValidateId(jobId, nameof(jobId));
        ArgumentNullException.ThrowIfNull(environment);
        if (taskCount != 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(taskCount), taskCount, "The local runner starts one process per attempt: executions of more than one task (packs) are not supported locally.");
        }

        var job = LocalStateFiles.ReadJson<LocalJobRecord>(JobFile(jobId))
            ?? throw new CloudServiceException(404, "NOT_FOUND", $"Local job {jobId} does not exist.");
        if (_startLimiter is not null)
        {
            var slot = await _startLimiter.AcquireAsync(_options.MaxStartWait, cancellationToken);
            if (!slot.Acquired)
            {
                _logger.LocalStartThrottled(jobId, slot.RetryAfter);
                return RunExecutionResult.Throttled(slot.RetryAfter);
            }
        }

        var env = new Dictionary<string, string>(job.Environment, StringComparer.Ordinal);
        foreach (var (name, value) in environment)
        {
            env[name] = value;
        }

        var record = CreateExecution(job, env, timeout > TimeSpan.Zero ? timeout : job.Timeout);
        _logger.LocalExecutionQueued(jobId, record.Name);
        Wake();
        return RunExecutionResult.Started(record.Name);
    }

    /// <inheritdoc />
    public Task<CloudRunExecution?> GetExecutionAsync(string executionName, CancellationToken cancellationToken = default)
    {
        var id = ExecutionIdOf(executionName);
        var record = ReadRecord(id);
        return Task.FromResult(record is null || record.Name != executionName ? null : Describe(record));
    }

    /// <inheritdoc />
    /// <remarks>Every local execution has one task (index 0), whose state is the execution's.</remarks>
    public Task<CloudRunPage<CloudRunTask>> ListTasksAsync(string executionName, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        var id = ExecutionIdOf(executionName);
        var record = ReadRecord(id);
        if (record is null || record.Name != executionName || pageToken is not null)
        {
            return Task.FromResult(new CloudRunPage<CloudRunTask>([], null));
        }

        var e = Describe(record);
        var state = e.State switch
        {
            CloudRunExecutionState.Running => CloudRunTaskState.Running,
            CloudRunExecutionState.Succeeded => CloudRunTaskState.Succeeded,
            CloudRunExecutionState.Failed => CloudRunTaskState.Failed,
            CloudRunExecutionState.Cancelled => CloudRunTaskState.Cancelled,
            _ => CloudRunTaskState.Pending,
        };
        var task = new CloudRunTask($"{e.Name}/tasks/{e.Id}-task0", 0, state, null, 0, e.StartTime, e.CompletionTime, e.FailureReason);
        return Task.FromResult(new CloudRunPage<CloudRunTask>([task], null));
    }

    /// <inheritdoc />
    /// <remarks>
    /// A pending execution is cancelled at once and never started; a running one gets SIGTERM on its
    /// process group now and SIGKILL after <see cref="LocalRunnerOptions.KillGrace"/> (from the watcher),
    /// and reads as running until its processes are gone.
    /// </remarks>
    public Task<bool> CancelExecutionAsync(string executionName, CancellationToken cancellationToken = default)
    {
        var id = ExecutionIdOf(executionName);
        var record = ReadRecord(id);
        if (record is null || record.Name != executionName)
        {
            _logger.LocalCancelIgnored(executionName, "not found");
            return Task.FromResult(false);
        }

        var folder = Folder(id);
        if (Observe(folder, record).IsTerminal)
        {
            _logger.LocalCancelIgnored(executionName, "already finished");
            return Task.FromResult(false);
        }

        if (LocalStateFiles.TryCreateMarker(folder.CancelledFile, _time.GetUtcNow()))
        {
            _logger.LocalCancelRequested(executionName);
            if (record.IsNative)
            {
                TerminateDriver(id);
            }
            else if (folder.LivePid() is { } group)
            {
                LocalProcess.SignalGroup(group, LocalProcess.SigTerm);
            }
        }

        Wake();
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    /// <remarks>Newest first by create time; the page token names the last item returned. Default page size 100.</remarks>
    public Task<CloudRunPage<CloudRunExecution>> ListExecutionsAsync(string jobId, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        if (jobId != "-")
        {
            ValidateId(jobId, nameof(jobId));
        }

        var size = pageSize is > 0 ? pageSize.Value : 100;
        var ordered = AllRecords()
            .Where(r => jobId == "-" || r.JobId == jobId)
            .OrderByDescending(r => r.CreateTime)
            .ThenByDescending(r => r.Id, StringComparer.Ordinal)
            .Select(r => (Record: r, Key: PageKey(r)));
        if (pageToken is not null)
        {
            ordered = ordered.SkipWhile(r => string.CompareOrdinal(r.Key, pageToken) >= 0);
        }

        var page = ordered.Take(size + 1).ToList();
        var items = page.Take(size).Select(p => Describe(p.Record)).ToList();
        return Task.FromResult(new CloudRunPage<CloudRunExecution>(items, page.Count > size ? page[size - 1].Key : null));
    }

    /// <inheritdoc />
    public Task<CloudRunPage<CloudRunJob>> ListJobsAsync(string? idPrefix = null, IReadOnlyDictionary<string, string>? labels = null, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var lastExecution = AllRecords()
            .GroupBy(r => r.JobId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(r => r.CreateTime), StringComparer.Ordinal);
        var jobs = Directory.EnumerateFiles(JobsFolder, "*.json")
            .Select(f => Path.GetFileNameWithoutExtension(f))
            .Where(id => pageToken is null || string.CompareOrdinal(id, pageToken) > 0)
            .Order(StringComparer.Ordinal)
            .Take(_options.ListPageSize + 1)
            .ToList();
        var items = jobs.Take(_options.ListPageSize)
            .Select(id => LocalStateFiles.ReadJson<LocalJobRecord>(JobFile(id)))
            .OfType<LocalJobRecord>()
            .Where(j => idPrefix is null || j.Id.StartsWith(idPrefix, StringComparison.Ordinal))
            .Where(j => labels is null || labels.All(l => j.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
            .Select(j => ToJob(j) with { LastExecutionTime = lastExecution.TryGetValue(j.Id, out var t) ? t : null })
            .ToList();
        var next = jobs.Count > _options.ListPageSize ? jobs[_options.ListPageSize - 1] : null;
        return Task.FromResult(new CloudRunPage<CloudRunJob>(items, next));
    }

    /// <inheritdoc />
    /// <remarks>Removes the job record; its executions (running ones included) stay, as listed history.</remarks>
    public Task<bool> DeleteJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ValidateId(jobId, nameof(jobId));
        var path = JobFile(jobId);
        if (!File.Exists(path))
        {
            return Task.FromResult(false);
        }

        File.Delete(path);
        return Task.FromResult(true);
    }

    private static string PageKey(LocalExecutionRecord record) =>
        string.Create(CultureInfo.InvariantCulture, $"{record.CreateTime.UtcTicks:D20}~{record.Id}");

    private static void ValidateId(string id, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(id, parameter);
        if (!id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            throw new ArgumentException($"'{id}' is not a valid job or execution id (lowercase letters, digits, hyphens).", parameter);
        }
    }

    private static string ExecutionIdOf(string executionName)
    {
        ArgumentException.ThrowIfNullOrEmpty(executionName);
        const string Marker = "/executions/";
        var at = executionName.LastIndexOf(Marker, StringComparison.Ordinal);
        if (!executionName.StartsWith("projects/", StringComparison.Ordinal) || at < 0)
        {
            throw new ArgumentException($"'{executionName}' is not a full execution name.", nameof(executionName));
        }

        var id = executionName[(at + Marker.Length)..];
        ValidateId(id, nameof(executionName));
        return id;
    }

    /// <summary>Makes relative paths of the runner command that name existing files absolute (executions run in their workspace).</summary>
    private static List<string> ResolveCommand(IList<string> command) =>
        command.Select(a => !Path.IsPathRooted(a) && a.Contains('/', StringComparison.Ordinal) && File.Exists(a) ? Path.GetFullPath(a) : a).ToList();

    private static CloudRunJob ToJob(LocalJobRecord job) =>
        new(job.Id, job.Name, Ready: true, job.Labels, job.CreateTime, LastExecutionTime: null);

    private string JobFile(string jobId) => Path.Combine(JobsFolder, jobId + ".json");

    private LocalExecutionFolder Folder(string id) => new(Path.Combine(ExecutionsFolder, id));

    private LocalExecutionRecord CreateExecution(LocalJobRecord job, Dictionary<string, string> env, TimeSpan timeout)
    {
        while (true)
        {
            var id = $"{job.Id}-{RandomNumberGenerator.GetString(SuffixAlphabet, 5)}";
            var folder = Folder(id);
            if (Directory.Exists(folder.Path))
            {
                continue;
            }

            Directory.CreateDirectory(folder.Path);
            var record = new LocalExecutionRecord($"{job.Name}/executions/{id}", id, job.Id, env, job.Secrets, timeout, _time.GetUtcNow(), _options.Executor);
            // Not fsync'd: a machine crash that loses it (or leaves it empty) leaves an execution that reads as not
            // found, which the engine takes as lost (an infrastructure failure, retried as a new attempt), and the work
            // died with the machine. Nothing was started for it before this file existed.
            if (LocalStateFiles.TryCreateJson(folder.RecordFile, record, durable: false))
            {
                _records[id] = record;
                _open.TryAdd(id, 0);
                return record;
            }
        }
    }

    private LocalExecutionRecord? ReadRecord(string id)
    {
        if (_records.TryGetValue(id, out var cached))
        {
            return cached;
        }

        var record = LocalStateFiles.TryReadJson<LocalExecutionRecord>(Folder(id).RecordFile);
        if (record is not null)
        {
            _records[id] = record;
        }

        return record;
    }

    private IEnumerable<LocalExecutionRecord> AllRecords() =>
        Directory.EnumerateDirectories(ExecutionsFolder)
            .Select(d => ReadRecord(Path.GetFileName(d)))
            .OfType<LocalExecutionRecord>();

    /// <summary>The execution's state: from memory where the files can only say what this process wrote or read, else from the files.</summary>
    /// <remarks>
    /// Two answers come from memory (and the launch time, created once too, is read once). A terminal state once
    /// seen: <c>outcome.json</c> is created once and never changes. A native execution this process drives (its
    /// driver runs here, holding the lock on its <c>native/</c> folder): only that driver writes its <c>exit</c>, and until it does the
    /// files say running, whatever else they hold. Everything else, and every execution after a restart, is read
    /// from the files, which stay the truth (this process only caches what they said or what it wrote to them).
    /// </remarks>
    private LocalObservation Observe(LocalExecutionFolder folder, LocalExecutionRecord record)
    {
        if (_terminal.TryGetValue(record.Id, out var terminal))
        {
            return terminal;
        }

        var known = _launched.TryGetValue(record.Id, out var launched);
        if (known && record.IsNative && _drivers.ContainsKey(record.Id))
        {
            return new LocalObservation(CloudRunExecutionState.Running, true, launched, null, null, null);
        }

        var observation = folder.Observe(record, _time.GetUtcNow(), _options.LaunchGrace, known ? launched : null, out var firstTerminal);
        if (firstTerminal)
        {
            OnFinished(folder, record, observation);
        }

        if (observation.IsTerminal)
        {
            _terminal.TryAdd(record.Id, observation);
        }
        else if (observation.Launched && observation.StartTime is { } start)
        {
            _launched.TryAdd(record.Id, start);
        }

        return observation;
    }

    private CloudRunExecution Describe(LocalExecutionRecord record)
    {
        var o = Observe(Folder(record.Id), record);
        var started = o.State is not CloudRunExecutionState.Pending && o.Launched;
        return new CloudRunExecution(
            record.Name,
            record.Id,
            record.JobId,
            o.State,
            TaskCount: 1,
            RunningCount: o.State == CloudRunExecutionState.Running ? 1 : 0,
            SucceededCount: o.State == CloudRunExecutionState.Succeeded ? 1 : 0,
            FailedCount: o.State == CloudRunExecutionState.Failed ? 1 : 0,
            CancelledCount: o.State == CloudRunExecutionState.Cancelled ? 1 : 0,
            RetriedCount: 0,
            record.CreateTime,
            started ? o.StartTime : null,
            o.CompletionTime,
            o.FailureReason,
            record.Environment);
    }
}
