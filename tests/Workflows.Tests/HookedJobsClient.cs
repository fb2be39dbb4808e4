using Orchestration.Activities.CloudRun;

namespace Orchestration.Workflows.Tests;

/// <summary>Cloud Run with a hook before each execution read, so a test can hold a run's CheckRun activity at a
/// known poll (reads are numbered from 1).</summary>
public sealed class HookedJobsClient(ICloudRunJobsClient inner) : ICloudRunJobsClient
{
    private int _gets;

    public Func<int, Task>? BeforeGet { get; set; }

    public Task<CloudRunJob> EnsureJobAsync(CloudRunJobSpec spec, CancellationToken cancellationToken = default) => inner.EnsureJobAsync(spec, cancellationToken);

    public Task<RunExecutionResult> RunExecutionAsync(string jobId, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, int taskCount = 1, CancellationToken cancellationToken = default) =>
        inner.RunExecutionAsync(jobId, environment, timeout, taskCount, cancellationToken);

    public async Task<CloudRunExecution?> GetExecutionAsync(string executionName, CancellationToken cancellationToken = default)
    {
        if (BeforeGet is { } hook)
        {
            await hook(Interlocked.Increment(ref _gets));
        }

        return await inner.GetExecutionAsync(executionName, cancellationToken);
    }

    public Task<bool> CancelExecutionAsync(string executionName, CancellationToken cancellationToken = default) => inner.CancelExecutionAsync(executionName, cancellationToken);

    public Task<CloudRunPage<CloudRunExecution>> ListExecutionsAsync(string jobId, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        inner.ListExecutionsAsync(jobId, pageToken, pageSize, cancellationToken);

    public Task<CloudRunPage<CloudRunTask>> ListTasksAsync(string executionName, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        inner.ListTasksAsync(executionName, pageToken, pageSize, cancellationToken);

    public Task<CloudRunPage<CloudRunJob>> ListJobsAsync(string? idPrefix = null, IReadOnlyDictionary<string, string>? labels = null, string? pageToken = null, CancellationToken cancellationToken = default) =>
        inner.ListJobsAsync(idPrefix, labels, pageToken, cancellationToken);

    public Task<bool> DeleteJobAsync(string jobId, CancellationToken cancellationToken = default) => inner.DeleteJobAsync(jobId, cancellationToken);
}
