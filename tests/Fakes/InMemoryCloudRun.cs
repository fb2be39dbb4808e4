using System.Collections.Concurrent;
using System.Globalization;
using Orchestration.Activities.CloudRun;

namespace Orchestration.Fakes;

/// <summary>An in-process <see cref="ICloudRunJobsClient"/> for workflow and activity tests: executions
/// are records a test (or a callback playing the runner) moves through their states.</summary>
public sealed class InMemoryCloudRun : ICloudRunJobsClient
{
    private readonly ConcurrentDictionary<string, CloudRunJobSpec> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CloudRunExecution> _executions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<TimeSpan> _throttles = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _created = new(StringComparer.Ordinal);
    private int _sequence;
    private int _starts;
    private int _cancels;
    private int _gets;

    /// <summary>Called after each started execution (e.g. to play the runner); its task is awaited.</summary>
    public Func<CloudRunExecution, Task>? OnStarted { get; set; }

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

    /// <summary>Moves an execution to a state.</summary>
    /// <param name="name">The execution name.</param>
    /// <param name="state">The new state.</param>
    /// <param name="failureReason">Why, for failures.</param>
    public void Set(string name, CloudRunExecutionState state, string? failureReason = null) =>
        _executions.AddOrUpdate(name, _ => throw new KeyNotFoundException(name), (_, e) => e with
        {
            State = state,
            RunningCount = state == CloudRunExecutionState.Running ? 1 : 0,
            SucceededCount = state == CloudRunExecutionState.Succeeded ? 1 : 0,
            FailedCount = state == CloudRunExecutionState.Failed ? 1 : 0,
            CancelledCount = state == CloudRunExecutionState.Cancelled ? 1 : 0,
            FailureReason = failureReason,
            CompletionTime = state is CloudRunExecutionState.Succeeded or CloudRunExecutionState.Failed or CloudRunExecutionState.Cancelled ? Time.GetUtcNow() : null,
        });

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
    public async Task<RunExecutionResult> RunExecutionAsync(string jobId, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
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
            1, 0, 0, 0, 0, 0, Time.GetUtcNow(), null, null, null, new Dictionary<string, string>(environment, StringComparer.Ordinal));
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

    private CloudRunJob Job(CloudRunJobSpec spec) => new(
        spec.JobId,
        $"projects/p/locations/r/jobs/{spec.JobId}",
        true,
        spec.Labels ?? new Dictionary<string, string>(),
        _created.GetValueOrDefault(spec.JobId),
        _executions.Values.Where(e => e.JobId == spec.JobId).Select(e => e.CreateTime).Max());
}
