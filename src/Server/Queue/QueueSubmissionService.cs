using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using Orchestration.Adapters.Queue;
using Orchestration.Api.Queue;

namespace Orchestration.Server.Queue;

/// <summary>Reads <c>batch-submissions</c> and submits each message through <see cref="SubmissionQueueHandler"/>:
/// deleted when accepted, moved to <c>batch-submissions-poison</c> with the reason when rejected, left to
/// be delivered again when handling failed for a reason that may pass.</summary>
/// <remarks>
/// <para>Poisoning follows the Functions host: a message is tried <see cref="SubmissionQueues.MaxDequeueCount"/>
/// times; the last failed try moves it with the failure as the reason, and a message delivered more
/// often than that (its handling was cut short by a stop or a crash) is moved without being tried again.</para>
/// <para>Every message is handled inside its own try: a malformed message, or one whose poisoning fails,
/// never stops the loop, and the messages behind it are still read.</para>
/// </remarks>
/// <param name="clients">The queues.</param>
/// <param name="handler">Submits a message.</param>
/// <param name="poison">Writes poison messages.</param>
/// <param name="queueOptions">Polling settings.</param>
/// <param name="submissionOptions">The message encoding.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logs message ids and failures.</param>
internal sealed class QueueSubmissionService(
    SubmissionQueueClients clients, SubmissionQueueHandler handler, PoisonQueueWriter poison, IOptions<QueueOptions> queueOptions,
    IOptions<SubmissionQueueOptions> submissionOptions, TimeProvider time, ILogger<QueueSubmissionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = queueOptions.Value;
        await CreateQueuesAsync(settings, stoppingToken).ConfigureAwait(false);
        Logs.QueueReading(logger, clients.Submissions.Name, clients.Submissions.Uri.GetLeftPart(UriPartial.Authority));
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                messages = (await clients.Submissions.ReceiveMessagesAsync(settings.BatchSize, settings.VisibilityTimeout, stoppingToken).ConfigureAwait(false)).Value;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Logs.QueueReceiveFailed(logger, ex);
                messages = [];
            }

            foreach (var message in messages)
            {
                await ProcessAsync(message, stoppingToken).ConfigureAwait(false);
            }

            if (messages.Length == 0)
            {
                await Task.Delay(settings.PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task CreateQueuesAsync(QueueOptions settings, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await clients.CreateQueuesAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Storage down at start: keep serving the API and try again, rather than fail the host.
                Logs.QueueReceiveFailed(logger, ex);
                await Task.Delay(settings.PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        try
        {
            if (message.DequeueCount > SubmissionQueues.MaxDequeueCount)
            {
                await PoisonAsync(message, message.Body, $"Dequeued {message.DequeueCount} times, more than {SubmissionQueues.MaxDequeueCount}: " +
                    "its handling was cut short each time (the server stopped or crashed while handling it).", stoppingToken).ConfigureAwait(false);
                return;
            }

            var body = QueueMessageDecoder.Decode(message.Body, submissionOptions.Value.MessageEncoding, out var decodeProblem);
            if (body is null)
            {
                await PoisonAsync(message, message.Body, decodeProblem!, stoppingToken).ConfigureAwait(false);
                return;
            }

            await HandleAsync(message, body, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Poisoning or deleting failed: the message reappears after its visibility timeout and is handled
            // again (submission is idempotent); the loop goes on to the next one.
            Logs.QueueMessageFailed(logger, message.MessageId, message.DequeueCount, ex);
        }
    }

    private async Task HandleAsync(QueueMessage message, BinaryData body, CancellationToken stoppingToken)
    {
        QueueSubmissionOutcome outcome;
        try
        {
            outcome = await handler.HandleAsync(message.MessageId, body, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            Logs.QueueMessageFailed(logger, message.MessageId, message.DequeueCount, ex);
            if (message.DequeueCount >= SubmissionQueues.MaxDequeueCount)
            {
                await PoisonAsync(message, body, $"Failed on each of {message.DequeueCount} deliveries; the last failure: {Describe(ex)}", stoppingToken).ConfigureAwait(false);
            }

            // Otherwise left on the queue: it is delivered again after the visibility timeout.
            return;
        }

        if (outcome.IsAccepted)
        {
            await clients.Submissions.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken).ConfigureAwait(false);
        }
        else
        {
            await PoisonAsync(message, body, outcome.Reason!, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task PoisonAsync(QueueMessage message, BinaryData body, string reason, CancellationToken stoppingToken)
    {
        // Poison first, then delete: a crash between the two leaves a duplicate poison entry, never a lost message.
        await poison.WriteAsync(message.MessageId, reason, message.DequeueCount, body, stoppingToken).ConfigureAwait(false);
        await clients.Submissions.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken).ConfigureAwait(false);
    }

    /// <summary>The failure's type and the first line of its message, clipped: enough to tell a locked
    /// database from a refused connection, without dumping whatever a long message carries.</summary>
    private static string Describe(Exception exception)
    {
        var message = exception.Message;
        var end = message.IndexOfAny(['\r', '\n']);
        var line = end < 0 ? message : message[..end];
        return $"{exception.GetType().Name}: {(line.Length > 200 ? line[..200] + "…" : line)}";
    }
}
