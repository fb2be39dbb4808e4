using System.Text;
using System.Text.Json;
using Azure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Orchestration.Workflows.Service;

namespace Orchestration.Functions;

/// <summary>Submissions by queue (DESIGN.md section 11): the batch JSON, or <c>{"blob": "container/name"}</c> for a
/// document past the 64 KB message limit. Idempotent by batch id, else by message id.</summary>
/// <remarks>Exceptions (storage or durable backend unavailable) propagate: the host retries the message and moves
/// it to <c>batch-submissions-poison</c> after <c>maxDequeueCount</c> (host.json). A message that can never
/// succeed (invalid batch, id conflict, unreadable reference) is written to the poison queue with its reason by
/// this function and completes, so it neither blocks the queue nor burns retries.</remarks>
/// <param name="batches">Builds the batch service around each invocation's durable client.</param>
/// <param name="storage">The storage account's queue and blob clients.</param>
/// <param name="logger">Logs ids and reasons only.</param>
public sealed class QueueFunctions(BatchServices batches, AzureStorageClients storage, ILogger<QueueFunctions> logger)
{
    /// <summary>The queue's name.</summary>
    public const string QueueName = "batch-submissions";

    /// <summary>Where rejected messages go, with their reason.</summary>
    public const string PoisonQueueName = QueueName + "-poison";

    // Characters: at six bytes per escaped character at worst, both together stay well under 48 KiB of JSON,
    // so the poison message fits the queue limit once base64-encoded.
    private const int MaxReasonChars = 1_500;
    private const int MaxMessageChars = 5_000;

    /// <summary>Submits one queued batch.</summary>
    /// <param name="message">The message body.</param>
    /// <param name="id">The message id (binding data).</param>
    /// <param name="client">The durable client.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>A task.</returns>
    [Function("SubmitQueuedBatch")]
    public async Task SubmitAsync([QueueTrigger(QueueName)] BinaryData message, string id, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        var (document, unreadable) = await ReadAsync(message, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            await RejectAsync(id, message, unreadable!, cancellationToken).ConfigureAwait(false);
            return;
        }

        var result = await batches.For(client).SubmitAsync(document.Value, id, cancellationToken).ConfigureAwait(false);
        switch (result.Kind)
        {
            case SubmitKind.Invalid:
                await RejectAsync(id, message, string.Join("; ", result.Problems.Select(p => $"{p.Path}: {p.Message}")), cancellationToken).ConfigureAwait(false);
                break;
            case SubmitKind.Conflict:
                await RejectAsync(id, message, result.Reason ?? "A different batch has this id.", cancellationToken).ConfigureAwait(false);
                break;
            default:
                Logs.QueueAccepted(logger, id, result.BatchId!);
                break;
        }
    }

    private async Task<(ReadOnlyMemory<byte>? Document, string? Reason)> ReadAsync(BinaryData message, CancellationToken cancellationToken)
    {
        string? blob;
        try
        {
            using var json = JsonDocument.Parse(message.ToMemory());
            blob = json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("blob", out var reference)
                && json.RootElement.EnumerateObject().Count() == 1 && reference.ValueKind == JsonValueKind.String ? reference.GetString() : null;
        }
        catch (JsonException)
        {
            // Not JSON at all: the batch service reports it as an invalid document, with its position.
            return (message.ToMemory(), null);
        }

        if (blob is null)
        {
            return (message.ToMemory(), null);
        }

        var slash = blob.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == blob.Length - 1)
        {
            return (null, $"blob reference '{blob}' is not 'container/name'.");
        }

        var container = storage.Blobs.GetBlobContainerClient(blob[..slash]);
        try
        {
            var content = await container.GetBlobClient(blob[(slash + 1)..]).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return (content.Value.Content.ToMemory(), null);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Permanent: retrying would only delay the poison; other failures propagate and are retried.
            return (null, $"blob '{blob}' does not exist.");
        }
    }

    private async Task RejectAsync(string id, BinaryData message, string reason, CancellationToken cancellationToken)
    {
        Logs.QueueRejected(logger, id, reason);

        // A queue message holds 64 KiB after base64 (48 KiB of JSON): the reason and the original are clipped to fit.
        var text = Encoding.UTF8.GetString(message.ToMemory().Span);
        var poison = JsonSerializer.SerializeToUtf8Bytes(new
        {
            messageId = id,
            reason = Clip(reason, MaxReasonChars),
            message = Clip(text, MaxMessageChars),
            truncated = text.Length > MaxMessageChars,
        });
        var queue = storage.Queues.GetQueueClient(PoisonQueueName);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await queue.SendMessageAsync(new BinaryData(poison), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];
}
