using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Orchestration.Adapters.Queue;

namespace Orchestration.Functions;

/// <summary>Submissions by queue (DESIGN.md section 11) through the shared handler of src/Api/Queue: the batch
/// JSON, or <c>{"blob": "CONTAINER/NAME"}</c> for a document past the 64 KB message limit; idempotent by batch id,
/// else by message id.</summary>
/// <remarks>Exceptions (storage or durable backend unavailable) propagate: the host retries the message and moves
/// it to <c>batch-submissions-poison</c> after <c>maxDequeueCount</c> (host.json). A message that can never
/// succeed (invalid batch, id conflict, missing or oversized blob) is written to the poison queue with its reason
/// and completes, so it neither blocks the queue nor burns retries.</remarks>
/// <param name="batches">Builds the handler around each invocation's durable client.</param>
/// <param name="poison">Writes rejected messages with their reason.</param>
public sealed class QueueFunctions(BatchServices batches, PoisonQueueWriter poison)
{
    /// <summary>Submits one queued batch.</summary>
    /// <param name="message">The message body (decoded from base64 by the host).</param>
    /// <param name="id">The message id (binding data).</param>
    /// <param name="dequeueCount">How many times the message was delivered (binding data).</param>
    /// <param name="client">The durable client.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>A task.</returns>
    [Function("SubmitQueuedBatch")]
    public async Task SubmitAsync(
        [QueueTrigger(SubmissionQueues.Name)] BinaryData message, string id, long dequeueCount, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var outcome = await batches.QueueHandlerFor(client).HandleAsync(id, message, context.CancellationToken).ConfigureAwait(false);
        if (!outcome.IsAccepted)
        {
            await poison.WriteAsync(id, outcome.Reason!, dequeueCount, message, context.CancellationToken).ConfigureAwait(false);
        }
    }
}
