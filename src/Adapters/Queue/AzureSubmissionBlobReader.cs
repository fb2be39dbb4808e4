using Azure;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Orchestration.Api.Queue;

namespace Orchestration.Adapters.Queue;

/// <summary>Reads referenced batch documents from Azure Blob Storage.</summary>
/// <remarks>The size is checked from the response headers before the body is read, so an oversized blob
/// costs one request, not its download.</remarks>
/// <param name="blobs">The storage account's blob service.</param>
/// <param name="options">The allowed container and size limit.</param>
public sealed class AzureSubmissionBlobReader(BlobServiceClient blobs, IOptions<SubmissionQueueOptions> options) : ISubmissionBlobReader
{
    /// <inheritdoc />
    public string AllowedContainer => options.Value.BlobContainer;

    /// <inheritdoc />
    public long MaxBytes => options.Value.MaxBlobBytes;

    /// <inheritdoc />
    public async Task<SubmissionBlob> ReadAsync(string container, string name, long maxBytes, CancellationToken cancellationToken = default)
    {
        var blob = blobs.GetBlobContainerClient(container).GetBlobClient(name);
        try
        {
            using var download = (await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            var length = download.Details.ContentLength;
            if (length > maxBytes)
            {
                return SubmissionBlob.TooLarge(length);
            }

            using var buffer = new MemoryStream(checked((int)length));
            await download.Content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return SubmissionBlob.Found(BinaryData.FromBytes(buffer.ToArray()));
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // BlobNotFound or ContainerNotFound: the reference names nothing, which no retry will change.
            return SubmissionBlob.Missing;
        }
    }
}
