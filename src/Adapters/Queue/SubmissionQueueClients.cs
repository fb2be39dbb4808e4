using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Orchestration.Adapters.Queue;

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

    /// <summary>Creates the clients for identity-based access (the Azure Functions host's managed identity).</summary>
    /// <param name="queueServiceUri">The account's queue service URI.</param>
    /// <param name="credential">The identity.</param>
    /// <param name="blobs">The account's blob service.</param>
    /// <param name="options">The message encoding.</param>
    public SubmissionQueueClients(Uri queueServiceUri, TokenCredential credential, BlobServiceClient blobs, IOptions<SubmissionQueueOptions> options)
    {
        ArgumentNullException.ThrowIfNull(queueServiceUri);
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        Submissions = new QueueClient(new Uri(queueServiceUri, SubmissionQueues.Name), credential, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        Poison = new QueueClient(new Uri(queueServiceUri, SubmissionQueues.PoisonName), credential, new QueueClientOptions { MessageEncoding = options.Value.MessageEncoding });
        Blobs = blobs;
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
