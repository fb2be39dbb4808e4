namespace Orchestration.Api.Queue;

/// <summary>What handling one queue message came to: accepted (the message may be deleted) or rejected
/// for good (the message goes to <c>batch-submissions-poison</c> with <see cref="Reason"/>).</summary>
/// <remarks>There is no transient outcome: a failure that may pass (store, engine, storage) is an exception,
/// so the host leaves the message to be delivered again and poisons it after
/// <c>SubmissionQueues.MaxDequeueCount</c> (Adapters) deliveries.</remarks>
public sealed record QueueSubmissionOutcome
{
    private QueueSubmissionOutcome(string? batchId, bool created, string? reason)
    {
        BatchId = batchId;
        Created = created;
        Reason = reason;
    }

    /// <summary>True when the batch is stored and started (now or by an earlier delivery of the same message).</summary>
    public bool IsAccepted => Reason is null;

    /// <summary>The batch id: always for an accepted message; for a rejection, the id that conflicted, if any.</summary>
    public string? BatchId { get; }

    /// <summary>True when this delivery stored the batch; false when it already existed with the same content.</summary>
    public bool Created { get; }

    /// <summary>Why the message was rejected (null when accepted). A sentence for an operator: it names
    /// paths and limits, never secrets, and never quotes the document beyond a short clip.</summary>
    public string? Reason { get; }

    /// <summary>The batch is stored and started.</summary>
    /// <param name="batchId">Its id.</param>
    /// <param name="created">False for a repeat of the same batch.</param>
    /// <returns>The outcome.</returns>
    public static QueueSubmissionOutcome Accepted(string batchId, bool created)
    {
        ArgumentException.ThrowIfNullOrEmpty(batchId);
        return new(batchId, created, null);
    }

    /// <summary>The message can never be submitted as it is.</summary>
    /// <param name="reason">Why.</param>
    /// <param name="batchId">The conflicting batch id, when there is one.</param>
    /// <returns>The outcome.</returns>
    public static QueueSubmissionOutcome Rejected(string reason, string? batchId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new(batchId, false, reason);
    }
}
