using Orchestration.Activities.CloudRun;

namespace Orchestration.Workflows.Tests;

/// <summary>Cloud Run as an ambiguous <c>:run</c> retry leaves it: every start request creates two
/// executions of the same attempt (the first one's response was lost, so the client asked again), and
/// the caller learns only the second.</summary>
public sealed class DuplicatingJobsClient(ICloudRunJobsClient inner) : ICloudRunJobsClient
{
    private readonly List<string> _started = [];

    /// <summary>Every execution started, both of each pair, in start order.</summary>
    public IReadOnlyList<string> Started
    {
        get
        {
            lock (_started)
            {
                return [.. _started];
            }
        }
    }

    /// <summary>Awaited with the first (unanswered) execution's name and the start's environment once both
    /// executions started and before the caller learns the second: a test plays the first one's runner here.</summary>
    public Func<string, IReadOnlyDictionary<string, string>, Task>? BeforeAnswer { get; set; }

    public Task<CloudRunJob> EnsureJobAsync(CloudRunJobSpec spec, CancellationToken cancellationToken = default) => inner.EnsureJobAsync(spec, cancellationToken);

    public async Task<RunExecutionResult> RunExecutionAsync(string jobId, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, int taskCount = 1, CancellationToken cancellationToken = default)
    {
        var lost = await inner.RunExecutionAsync(jobId, environment, timeout, taskCount, cancellationToken);
        if (lost.Outcome != RunExecutionOutcome.Started)
        {
            return lost;
        }

        var answered = await inner.RunExecutionAsync(jobId, environment, timeout, taskCount, cancellationToken);
        lock (_started)
        {
            _started.Add(lost.ExecutionName!);
            if (answered.ExecutionName is { } name)
            {
                _started.Add(name);
            }
        }

        if (BeforeAnswer is { } hook)
        {
            await hook(lost.ExecutionName!, environment);
        }

        return answered;
    }

    public Task<CloudRunExecution?> GetExecutionAsync(string executionName, CancellationToken cancellationToken = default) => inner.GetExecutionAsync(executionName, cancellationToken);

    public Task<bool> CancelExecutionAsync(string executionName, CancellationToken cancellationToken = default) => inner.CancelExecutionAsync(executionName, cancellationToken);

    public Task<CloudRunPage<CloudRunExecution>> ListExecutionsAsync(string jobId, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        inner.ListExecutionsAsync(jobId, pageToken, pageSize, cancellationToken);

    public Task<CloudRunPage<CloudRunTask>> ListTasksAsync(string executionName, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        inner.ListTasksAsync(executionName, pageToken, pageSize, cancellationToken);

    public Task<CloudRunPage<CloudRunJob>> ListJobsAsync(string? idPrefix = null, IReadOnlyDictionary<string, string>? labels = null, string? pageToken = null, CancellationToken cancellationToken = default) =>
        inner.ListJobsAsync(idPrefix, labels, pageToken, cancellationToken);

    public Task<bool> DeleteJobAsync(string jobId, CancellationToken cancellationToken = default) => inner.DeleteJobAsync(jobId, cancellationToken);
}
