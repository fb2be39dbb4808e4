using System.ComponentModel.DataAnnotations;
using Azure.Storage.Queues;

namespace Orchestration.Adapters.Queue;

/// <summary>How queue messages are read and where referenced documents may live, shared by both hosts
/// (section <c>Orchestration:Queue</c>; environment form <c>Orchestration__Queue__Key</c>).</summary>
public sealed class SubmissionQueueOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Orchestration:Queue";

    /// <summary>How message text is encoded: <c>Base64</c> (the default, as the Functions host expects) or <c>None</c> (the JSON verbatim).</summary>
    /// <remarks>The standalone server decodes received messages with it and the poison writer encodes
    /// with it. The Functions host decodes by its own <c>host.json</c> <c>messageEncoding</c>; keep the two equal.</remarks>
    public QueueMessageEncoding MessageEncoding { get; set; } = QueueMessageEncoding.Base64;

    /// <summary>The only container a blob reference may name (<c>{"blob": "CONTAINER/NAME"}</c>).</summary>
    /// <remarks>One container, so a message cannot make the server read the stores' or the task hub's blobs.</remarks>
    [Required]
    [RegularExpression("^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$", ErrorMessage = "Must be a blob container name: 3 to 63 lowercase letters, digits and single hyphens.")]
    public string BlobContainer { get; set; } = SubmissionQueues.Name;

    /// <summary>Largest referenced document, in bytes (the same default as <c>Orchestration:Api:MaxBodyBytes</c>).</summary>
    [Range(1, int.MaxValue)]
    public long MaxBlobBytes { get; set; } = 4L * 1024 * 1024;
}
