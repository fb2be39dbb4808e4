using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Orchestration.Api.Queue;

/// <summary>The storage clients of the submission path, made once from one connection string.</summary>
/// <remarks>Singletons, as the Azure SDK guidelines ask. <see cref="Submissions"/> reads messages verbatim
/// (encoding <c>None</c>) so that a message in the wrong encoding reaches our code, which rejects it with
/// a reason, instead of failing inside the SDK's receive call for every message in the batch.</remarks>
public sealed class SubmissionQueueClients
{
    /// <summary>Creates the clients.</summary>
    /// <param name="connectionString">An Azure Storage connection string (Azurite's works).</param>
    /// <param name="options">The message encoding.</param>
    public SubmissionQueueClients(string connectionString, IOptions<SubmissionQueueOptions> options)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentNullException.ThrowIfNull(options);
        Submissions = new QueueClient(connectionString, SubmissionQueues.Name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        Poison = new QueueClient(connectionString, SubmissionQueues.PoisonName, new QueueClientOptions { MessageEncoding = options.Value.MessageEncoding });
        Blobs = new BlobServiceClient(connectionString);
    }

    /// <summary>The <c>batch-submissions</c> queue, read verbatim.</summary>
    public QueueClient Submissions { get; }

    /// <summary>The <c>batch-submissions-poison</c> queue, written in the configured encoding.</summary>
    public QueueClient Poison { get; }

    /// <summary>The account's blob service, for referenced documents.</summary>
    public BlobServiceClient Blobs { get; }

    /// <summary>Creates both queues when missing.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task CreateQueuesAsync(CancellationToken cancellationToken = default)
    {
        await Submissions.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
