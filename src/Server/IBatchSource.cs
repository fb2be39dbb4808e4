using Orchestration.Workflows.Service;

namespace Orchestration.Server;

/// <summary>Where a progress view reads a batch from: the in-process batch service (<c>run</c>) or the HTTP
/// API (<c>status --watch</c>), so both show the same view.</summary>
public interface IBatchSource
{
    /// <summary>The batch's status document.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status, or null for an unknown batch.</returns>
    Task<BatchStatusDocument?> GetStatusAsync(string batchId, CancellationToken cancellationToken = default);

    /// <summary>The batch's status, after waiting up to <paramref name="wait"/> for it to change (a remote server
    /// long-polls and answers as soon as it changes; the in-process service just waits).</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="wait">How long to wait for a change first; null to read at once.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status with whether it has ended and when to ask again, or null for an unknown batch.</returns>
    Task<BatchPoll?> PollAsync(string batchId, TimeSpan? wait, CancellationToken cancellationToken = default);

    /// <summary>The aggregate document (JSON), once it was written.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The JSON, or null.</returns>
    Task<ReadOnlyMemory<byte>?> GetResultsAsync(string batchId, CancellationToken cancellationToken = default);
}
