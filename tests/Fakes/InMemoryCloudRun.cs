using System.Collections.Concurrent;
using System.Globalization;
using Orchestration.Activities.CloudRun;

namespace Orchestration.Fakes;

/// <summary>An in-process <see cref="ICloudRunJobsClient"/> for workflow and activity tests: executions
/// are records a test (or a callback playing the runner) moves through their states, as a whole (<see cref="Set"/>)
/// or task by task (<see cref="SetTask"/>: the execution's counts and state follow its tasks as Cloud Run's do).</summary>
public sealed class InMemoryCloudRun : ICloudRunJobsClient
{
    private readonly ConcurrentDictionary<string, CloudRunJobSpec> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CloudRunExecution> _executions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<TimeSpan> _throttles = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _created = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CloudRunTask[]> _tasks = new(StringComparer.Ordinal);
    private readonly Lock _taskLock = new();
    private int _sequence;
    private int _starts;
    private int _cancels;
    private int _gets;

    /// <summary>Called after each started execution (e.g. to play the runner); its task is awaited.</summary>
    public Func<CloudRunExecution, Task>? OnStarted { get; set; }

    /// <summary>When set, told of each execution <see cref="Set"/> moves to an end (as the local runner tells of the
    /// executions it sees end; Cloud Run tells nobody).</summary>
    public IExecutionEnds? Ends { get; set; }

    /// <summary>Jobs ensured so far.</summary>
    public IReadOnlyDictionary<string, CloudRunJobSpec> Jobs => _jobs;

    /// <summary>Every execution.</summary>
    public IReadOnlyCollection<CloudRunExecution> Executions => [.. _executions.Values];

    /// <summary>The clock of execution and job timestamps (a test's fake clock, so they agree with its engine's).</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary><c>:run</c> calls that started an execution.</summary>
    public int Starts => _starts;

    /// <summary>Execution reads.</summary>
    public int Gets => _gets;

    /// <summary>Cancel calls that found a running execution.</summary>
    public int Cancels => _cancels;

    /// <summary>Makes the next <c>:run</c> calls throttled, one per entry.</summary>
    /// <param name="retryAfter">The suggested wait of each.</param>
    public void ThrottleNext(params TimeSpan[] retryAfter)
    {
        foreach (var wait in retryAfter)
        {
            _throttles.Enqueue(wait);
        }
    }

    /// <summary>Moves an execution to a state, with all its tasks (a cancel leaves finished tasks as they were).</summary>
    /// <param name="name">The execution name.</param>
    /// <param name="state">The new state.</param>
    /// <param name="failureReason">Why, for failures.</param>
    public void Set(string name, CloudRunExecutionState state, string? failureReason = null)
    {
        var terminal = state is CloudRunExecutionState.Succeeded or CloudRunExecutionState.Failed or CloudRunExecutionState.Cancelled;
        lock (_taskLock)
        {
            var e = _executions.TryGetValue(name, out var found) ? found : throw new KeyNotFoundException(name);
            var now = Time.GetUtcNow();
            var tasks = _tasks[name];
            for (var i = 0; i < tasks.Length; i++)
            {
                if (state != CloudRunExecutionState.Cancelled || !tasks[i].IsTerminal)
                {
                    tasks[i] = WithState(tasks[i], TaskState(state), failureReason, now);
                }
            }

            _executions[name] = Counted(e, tasks) with
            {
                State = state,
                FailureReason = failureReason,
                CompletionTime = terminal ? now : null,
            };
        }

        if (terminal)
        {
            Ends?.Ended(name);
        }
    }

    /// <summary>Moves one task of an execution to a state; the execution follows (running once a task started,
    /// succeeded when all succeeded, failed once all ended and one failed).</summary>
    /// <param name="name">The execution name.</param>
    /// <param name="index">The task index.</param>
    /// <param name="state">The task's new state.</param>
    /// <param name="failureReason">Why, for failures.</param>
    public void SetTask(string name, int index, CloudRunTaskState state, string? failureReason = null)
    {
        lock (_taskLock)
        {
            var e = _executions.TryGetValue(name, out var found) ? found : throw new KeyNotFoundException(name);
            if (e.IsTerminal)
            {
                return;
            }

            var now = Time.GetUtcNow();
            var tasks = _tasks[name];
            tasks[index] = WithState(tasks[index], state, failureReason, now);
            var settled = Counted(e, tasks);
            var failed = tasks.FirstOrDefault(t => t.State == CloudRunTaskState.Failed);
            settled = tasks.All(t => t.IsTerminal)
                ? settled with
                {
                    State = failed is null ? CloudRunExecutionState.Succeeded : CloudRunExecutionState.Failed,
                    FailureReason = failed?.FailureReason,
                    StartTime = e.StartTime ?? now,
                    CompletionTime = now,
                }
                : tasks.Any(t => t.State != CloudRunTaskState.Pending) ? settled with { State = CloudRunExecutionState.Running, StartTime = e.StartTime ?? now } : settled;
            _executions[name] = settled;
        }
    }

    /// <summary>Forgets an execution, as Cloud Run does after its retention.</summary>
    /// <param name="name">The execution name.</param>
    public void Expire(string name) => _executions.TryRemove(name, out _);

    /// <inheritdoc />
    public Task<CloudRunJob> EnsureJobAsync(CloudRunJobSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _jobs.TryAdd(spec.JobId, spec);
        _created.TryAdd(spec.JobId, Time.GetUtcNow());
        return Task.FromResult(Job(spec));
    }

    /// <inheritdoc />
    public async Task<RunExecutionResult> RunExecutionAsync(
        string jobId, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, int taskCount = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(taskCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(taskCount, ICloudRunJobsClient.MaxTaskCount);
        if (!_jobs.ContainsKey(jobId))
        {
            throw new InvalidOperationException($"Job {jobId} was never ensured.");
        }

        if (_throttles.TryDequeue(out var wait))
        {
            return RunExecutionResult.Throttled(wait);
        }

        var number = Interlocked.Increment(ref _sequence);
        Interlocked.Increment(ref _starts);
        var id = string.Create(CultureInfo.InvariantCulture, $"{jobId}-{number:x5}");
        var execution = new CloudRunExecution($"projects/p/locations/r/jobs/{jobId}/executions/{id}", id, jobId, CloudRunExecutionState.Pending,
            taskCount, 0, 0, 0, 0, 0, Time.GetUtcNow(), null, null, null, new Dictionary<string, string>(environment, StringComparer.Ordinal));
        _tasks[execution.Name] = [.. Enumerable.Range(0, taskCount).Select(i => new CloudRunTask(
            string.Create(CultureInfo.InvariantCulture, $"{execution.Name}/tasks/{id}-task{i}"), i, CloudRunTaskState.Pending, null, 0, null, null, null))];
        _executions[execution.Name] = execution;
        if (OnStarted is { } callback)
        {
            await callback(execution).ConfigureAwait(false);
        }

        return RunExecutionResult.Started(execution.Name);
    }

    /// <inheritdoc />
    public Task<CloudRunExecution?> GetExecutionAsync(string executionName, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _gets);
        return Task.FromResult(_executions.TryGetValue(executionName, out var e) ? e : null);
    }

    /// <inheritdoc />
    public Task<CloudRunPage<CloudRunTask>> ListTasksAsync(string executionName, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        lock (_taskLock)
        {
            var all = _executions.ContainsKey(executionName) && _tasks.TryGetValue(executionName, out var tasks) ? tasks : [];
            var offset = pageToken is null ? 0 : int.Parse(pageToken, CultureInfo.InvariantCulture);
            var size = pageSize ?? 100;
            var next = offset + size < all.Length ? (offset + size).ToString(CultureInfo.InvariantCulture) : null;
            return Task.FromResult(new CloudRunPage<CloudRunTask>([.. all.Skip(offset).Take(size)], next));
        }
    }

    /// <inheritdoc />
    public Task<bool> CancelExecutionAsync(string executionName, CancellationToken cancellationToken = default)
    {
        if (!_executions.TryGetValue(executionName, out var e) || e.IsTerminal)
        {
            return Task.FromResult(false);
        }

        Interlocked.Increment(ref _cancels);
        Set(executionName, CloudRunExecutionState.Cancelled);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task<CloudRunPage<CloudRunExecution>> ListExecutionsAsync(string jobId, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new CloudRunPage<CloudRunExecution>([.. _executions.Values.Where(e => jobId == "-" || e.JobId == jobId).OrderByDescending(e => e.CreateTime)], null));

    /// <inheritdoc />
    public Task<CloudRunPage<CloudRunJob>> ListJobsAsync(string? idPrefix = null, IReadOnlyDictionary<string, string>? labels = null, string? pageToken = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new CloudRunPage<CloudRunJob>([.. _jobs.Values.Where(j => idPrefix is null || j.JobId.StartsWith(idPrefix, StringComparison.Ordinal)).Select(Job)], null));

    /// <inheritdoc />
    public Task<bool> DeleteJobAsync(string jobId, CancellationToken cancellationToken = default) => Task.FromResult(_jobs.TryRemove(jobId, out _));

    private static CloudRunTaskState TaskState(CloudRunExecutionState state) => state switch
    {
        CloudRunExecutionState.Running => CloudRunTaskState.Running,
        CloudRunExecutionState.Succeeded => CloudRunTaskState.Succeeded,
        CloudRunExecutionState.Failed => CloudRunTaskState.Failed,
        CloudRunExecutionState.Cancelled => CloudRunTaskState.Cancelled,
        _ => CloudRunTaskState.Pending,
    };

    private static CloudRunTask WithState(CloudRunTask task, CloudRunTaskState state, string? failureReason, DateTimeOffset now)
    {
        var terminal = state is CloudRunTaskState.Succeeded or CloudRunTaskState.Failed or CloudRunTaskState.Cancelled;
        return task with
        {
            State = state,
            ExitCode = state switch { CloudRunTaskState.Succeeded => 0, CloudRunTaskState.Failed => 1, _ => null },
            StartTime = state == CloudRunTaskState.Pending || (state == CloudRunTaskState.Cancelled && task.StartTime is null) ? null : task.StartTime ?? now,
            CompletionTime = terminal ? now : null,
            FailureReason = state is CloudRunTaskState.Failed or CloudRunTaskState.Cancelled ? failureReason : null,
        };
    }

    private static CloudRunExecution Counted(CloudRunExecution e, CloudRunTask[] tasks) => e with
    {
        RunningCount = tasks.Count(t => t.State == CloudRunTaskState.Running),
        SucceededCount = tasks.Count(t => t.State == CloudRunTaskState.Succeeded),
        FailedCount = tasks.Count(t => t.State == CloudRunTaskState.Failed),
        CancelledCount = tasks.Count(t => t.State == CloudRunTaskState.Cancelled),
    };

    private CloudRunJob Job(CloudRunJobSpec spec) => new(
        spec.JobId,
        $"projects/p/locations/r/jobs/{spec.JobId}",
        true,
        spec.Labels ?? new Dictionary<string, string>(),
        _created.GetValueOrDefault(spec.JobId),
        _executions.Values.Where(e => e.JobId == spec.JobId).Select(e => e.CreateTime).Max());
}
