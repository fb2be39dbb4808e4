using Orchestration.Activities.CloudRun;

namespace Orchestration.Server;

/// <summary>The local runner's jobs, read from its state folder for <c>run --dry-run</c>, which must not start the
/// runner itself (it watches and finishes executions as soon as it exists).</summary>
/// <remarks>Only <see cref="ListJobsAsync"/> is offered, which is all a plan asks; every other call throws.</remarks>
/// <param name="stateFolder">The local runner's state folder (its <c>jobs</c> folder holds one file per job).</param>
internal sealed class LocalJobListing(string stateFolder) : ICloudRunJobsClient
{
    /// <inheritdoc />
    public Task<CloudRunPage<CloudRunJob>> ListJobsAsync(string? idPrefix = null, IReadOnlyDictionary<string, string>? labels = null, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var folder = Path.Combine(stateFolder, "jobs");
        var ids = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>()
                .Where(id => idPrefix is null || id.StartsWith(idPrefix, StringComparison.Ordinal))
            : [];
        return Task.FromResult(new CloudRunPage<CloudRunJob>(
            [.. ids.Order(StringComparer.Ordinal).Select(id => new CloudRunJob(id, id, true, new Dictionary<string, string>(), null, null))], null));
    }

    /// <inheritdoc />
    public Task<CloudRunJob> EnsureJobAsync(CloudRunJobSpec spec, CancellationToken cancellationToken = default) => throw ReadOnly();

    /// <inheritdoc />
    public Task<RunExecutionResult> RunExecutionAsync(string jobId, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, int taskCount = 1, CancellationToken cancellationToken = default) =>
        throw ReadOnly();

    /// <inheritdoc />
    public Task<CloudRunPage<CloudRunTask>> ListTasksAsync(string executionName, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default) => throw ReadOnly();

    /// <inheritdoc />
    public Task<CloudRunExecution?> GetExecutionAsync(string executionName, CancellationToken cancellationToken = default) => throw ReadOnly();

    /// <inheritdoc />
    public Task<bool> CancelExecutionAsync(string executionName, CancellationToken cancellationToken = default) => throw ReadOnly();

    /// <inheritdoc />
    public Task<CloudRunPage<CloudRunExecution>> ListExecutionsAsync(string jobId, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default) => throw ReadOnly();

    /// <inheritdoc />
    public Task<bool> DeleteJobAsync(string jobId, CancellationToken cancellationToken = default) => throw ReadOnly();

    private static NotSupportedException ReadOnly() => new("A dry run only lists jobs.");
}
