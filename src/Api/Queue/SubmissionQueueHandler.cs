using Microsoft.Extensions.Logging;
using Orchestration.Domain.Validation;
using Orchestration.Workflows.Service;

namespace Orchestration.Api.Queue;

/// <summary>Submits the batch a <c>batch-submissions</c> message carries, whichever host received it.</summary>
/// <remarks>
/// <para>A body is either a batch document (the JSON <c>POST /api/batches</c> takes) or a blob reference
/// <c>{"blob": "CONTAINER/NAME"}</c> to one stored in the configured container of the same account.</para>
/// <para>At-least-once delivery: a host may crash after the submit and before deleting the message, and
/// then delivers it again. Submission is idempotent by the batch's id, and a document without an id gets
/// one derived from the message id (<see cref="Domain.BatchIds.FromIdempotencyKey"/>), so the second
/// delivery finds the same batch and starts nothing.</para>
/// <para>Permanent failures are returned as <see cref="QueueSubmissionOutcome.Rejected"/> with a reason;
/// transient ones (store, engine, storage) are exceptions, so the host delivers the message again.</para>
/// </remarks>
/// <param name="batches">The batch service.</param>
/// <param name="blobs">Reads referenced documents, within its allowed container and size limit.</param>
/// <param name="logger">Logs message ids, batch ids and reasons.</param>
public sealed class SubmissionQueueHandler(
    BatchService batches, ISubmissionBlobReader blobs, ILogger<SubmissionQueueHandler> logger)
{
    private const int MaxListedProblems = 10;
    private const int MaxProblemLength = 200;

    /// <summary>Handles one message.</summary>
    /// <param name="messageId">The queue message id: the idempotency key of a document without an id.</param>
    /// <param name="body">The message body, already decoded from the queue's encoding.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Accepted (delete the message) or rejected with a reason (poison it).</returns>
    public async Task<QueueSubmissionOutcome> HandleAsync(string messageId, BinaryData body, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentNullException.ThrowIfNull(body);
        var outcome = await SubmitAsync(messageId, body.ToMemory(), cancellationToken).ConfigureAwait(false);
        if (outcome.IsAccepted)
        {
            Logs.QueueSubmissionAccepted(logger, messageId, outcome.BatchId!, outcome.Created);
        }
        else
        {
            Logs.QueueSubmissionRejected(logger, messageId, outcome.Reason!);
        }

        return outcome;
    }

    private async Task<QueueSubmissionOutcome> SubmitAsync(string messageId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (body.IsEmpty)
        {
            return QueueSubmissionOutcome.Rejected($"The message is empty; it must be a batch document or {BlobReference.Shape}.");
        }

        var document = body;
        var source = "The batch";
        if (BlobReference.TryRead(body, blobs.AllowedContainer, out var reference, out var referenceProblem))
        {
            if (referenceProblem is not null)
            {
                return QueueSubmissionOutcome.Rejected(referenceProblem);
            }

            var blob = await blobs.ReadAsync(reference!.Container, reference.Name, blobs.MaxBytes, cancellationToken).ConfigureAwait(false);
            switch (blob.Status)
            {
                case SubmissionBlobStatus.Missing:
                    return QueueSubmissionOutcome.Rejected($"Blob '{QueueText.Clip(reference.ToString(), 200)}' does not exist.");
                case SubmissionBlobStatus.TooLarge:
                    return QueueSubmissionOutcome.Rejected(
                        $"Blob '{QueueText.Clip(reference.ToString(), 200)}' is {blob.Length} bytes, over the {blobs.MaxBytes}-byte limit (Orchestration:Queue:MaxBlobBytes).");
            }

            document = blob.Content!.ToMemory();
            source = $"The batch in blob '{QueueText.Clip(reference.ToString(), 200)}'";
        }

        var result = await batches.SubmitAsync(document, messageId, cancellationToken).ConfigureAwait(false);
        return result.Kind switch
        {
            SubmitKind.Accepted => QueueSubmissionOutcome.Accepted(result.BatchId!, result.Created),
            SubmitKind.Conflict => QueueSubmissionOutcome.Rejected(result.Reason ?? $"A different batch with id '{result.BatchId}' exists.", result.BatchId),
            _ => QueueSubmissionOutcome.Rejected($"{source} has {result.Problems.Count} problem(s); nothing was started: {Describe(result.Problems)}"),
        };
    }

    private static string Describe(IReadOnlyList<ValidationProblem> problems)
    {
        // Problems name paths and rules, not values; each is clipped anyway so no reason carries a prompt.
        var listed = problems.Take(MaxListedProblems).Select(p => QueueText.Clip(p.ToString(), MaxProblemLength));
        var more = problems.Count > MaxListedProblems ? $" (and {problems.Count - MaxListedProblems} more)" : "";
        return string.Join(" | ", listed) + more;
    }
}
