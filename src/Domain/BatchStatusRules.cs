namespace Orchestration.Domain;

/// <summary>Which status changes a batch store accepts, and how a status is written.</summary>
/// <remarks>Activities run at least once, so a late repeat of "mark running" can arrive after the batch
/// finished; a finished batch never goes back to pending or running.</remarks>
public static class BatchStatusRules
{
    /// <summary>Whether <paramref name="status"/> is final for the run of the batch.</summary>
    /// <param name="status">The status.</param>
    /// <returns>True for completed, cancelled, failed, terminated and stopped.</returns>
    public static bool IsFinished(BatchStatus status) =>
        status is BatchStatus.Completed or BatchStatus.Cancelled or BatchStatus.Failed or BatchStatus.Terminated or BatchStatus.Stopped;

    /// <summary>Whether a batch in <paramref name="from"/> may move to <paramref name="to"/>.</summary>
    /// <param name="from">The stored status.</param>
    /// <param name="to">The requested status.</param>
    /// <returns>True when the change is allowed.</returns>
    public static bool CanMove(BatchStatus from, BatchStatus to) => (from, to) switch
    {
        (BatchStatus.Purging, not BatchStatus.Purging) => false,
        (_, BatchStatus.Pending or BatchStatus.Running) => !IsFinished(from),
        _ => true,
    };

    /// <summary>Whether a batch in <paramref name="from"/>, whose status was last written at <paramref name="updatedAt"/>,
    /// may go back to running for a rerun asked for at <paramref name="requestedAt"/>: only from a final status
    /// written before the request (a later one means the rerun already ended, or something else happened since).</summary>
    /// <param name="from">The stored status.</param>
    /// <param name="updatedAt">When it was written.</param>
    /// <param name="requestedAt">When the rerun was asked for.</param>
    /// <returns>True when the batch may reopen.</returns>
    public static bool CanReopen(BatchStatus from, DateTimeOffset updatedAt, DateTimeOffset requestedAt) => IsFinished(from) && updatedAt <= requestedAt;

    /// <summary>The name users, documents and stores see: <c>pending</c>, <c>running</c>, <c>completed</c>, ...</summary>
    /// <param name="status">The status.</param>
    /// <returns>Its lowercase name.</returns>
    public static string Name(BatchStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>Reads a name written by <see cref="Name"/>.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The status.</returns>
    public static BatchStatus Parse(string name) => Enum.Parse<BatchStatus>(name, ignoreCase: true);
}
