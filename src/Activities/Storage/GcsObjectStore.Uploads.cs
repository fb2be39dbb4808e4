using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Orchestration.Activities.Google;

namespace Orchestration.Activities.Storage;

/// <summary>Uploads: one media POST for small objects, a chunked resumable session above the threshold.</summary>
public sealed partial class GcsObjectStore
{
    private const int ChunkRecoveryAttempts = 6;

    private async Task<ObjectMetadata> UploadAsync(string name, Stream content, string contentType, bool ifAbsent, CancellationToken cancellationToken)
    {
        ObjectNames.Validate(name);
        ArgumentNullException.ThrowIfNull(content);

        // Read up to threshold + 1 bytes: that decides media vs resumable without needing a seekable stream.
        var threshold = _options.ResumableThresholdBytes;
        var (head, headLength) = await ReadHeadAsync(content, threshold + 1, cancellationToken);
        if (headLength <= threshold)
        {
            return await MediaUploadAsync(name, head.AsMemory(0, headLength), contentType, ifAbsent, cancellationToken);
        }

        return await ResumableUploadAsync(name, new ChunkSource(head, headLength, content), contentType, ifAbsent, cancellationToken);
    }

    /// <summary>Reads up to <paramref name="limit"/> bytes, growing the buffer as data comes (small objects stay small).</summary>
    private static async Task<(byte[] Buffer, int Length)> ReadHeadAsync(Stream content, int limit, CancellationToken cancellationToken)
    {
        var size = content.CanSeek ? (int)Math.Clamp(content.Length - content.Position, 0, limit) : Math.Min(limit, 64 * 1024);
        var buffer = new byte[Math.Max(size, 1)];
        var length = 0;
        while (length < limit)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(limit, (long)buffer.Length * 2));
            }

            var read = await content.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        return (buffer, length);
    }

    private async Task<ObjectMetadata> MediaUploadAsync(string name, ReadOnlyMemory<byte> bytes, string contentType, bool ifAbsent, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, UploadUrl("media", name, ifAbsent))
        {
            Content = new ReadOnlyMemoryContent(bytes),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        // Retried: with ifGenerationMatch=0 it is guarded; without, a repeat writes the same bytes.
        using var response = await GoogleRequests.SendAsync(Http, request, retryable: true, HttpCompletionOption.ResponseContentRead, cancellationToken);
        await GoogleRequests.EnsureSuccessAsync(response, cancellationToken);
        return ParseObject(await GoogleRequests.ReadJsonAsync(response, cancellationToken));
    }

    private async Task<ObjectMetadata> ResumableUploadAsync(string name, ChunkSource source, string contentType, bool ifAbsent, CancellationToken cancellationToken)
    {
        var session = await StartSessionAsync(name, contentType, ifAbsent, cancellationToken);
        var chunkSize = _options.ResumableChunkBytes;
        var chunk = new byte[chunkSize];
        var next = new byte[chunkSize];
        var length = await source.FillAsync(chunk, cancellationToken);
        long offset = 0;
        while (true)
        {
            // Look one chunk ahead so the last chunk carries the total size.
            var nextLength = length == chunkSize ? await source.FillAsync(next, cancellationToken) : 0;
            long? total = nextLength == 0 ? offset + length : null;
            var done = await SendChunkAsync(name, session, chunk.AsMemory(0, length), offset, total, cancellationToken);
            if (done is not null)
            {
                return done;
            }

            if (total is not null)
            {
                throw new CloudServiceException(502, "INTERNAL", $"Resumable upload of '{name}' was not finalised after its last chunk.");
            }

            offset += length;
            (chunk, next) = (next, chunk);
            length = nextLength;
        }
    }

    private async Task<Uri> StartSessionAsync(string name, string contentType, bool ifAbsent, CancellationToken cancellationToken)
    {
        var metadata = JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = name, ["contentType"] = contentType });
        using var request = new HttpRequestMessage(HttpMethod.Post, UploadUrl("resumable", name, ifAbsent))
        {
            Content = new StringContent(metadata, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Upload-Content-Type", contentType);

        // Opening a session stores nothing, so repeating it is harmless.
        using var response = await GoogleRequests.SendAsync(Http, request, retryable: true, HttpCompletionOption.ResponseContentRead, cancellationToken);
        await GoogleRequests.EnsureSuccessAsync(response, cancellationToken);
        return response.Headers.Location
            ?? throw new CloudServiceException(502, "INTERNAL", $"Resumable upload of '{name}' answered without a session URI.");
    }

    /// <summary>Sends one chunk; after a transient failure asks the session how far it got and resends the rest.</summary>
    /// <returns>The object when the upload is complete, else null (chunk persisted, more to come).</returns>
    private async Task<ObjectMetadata?> SendChunkAsync(string name, Uri session, ReadOnlyMemory<byte> chunk, long offset, long? total, CancellationToken cancellationToken)
    {
        var sent = 0;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (metadata, persisted) = await PutRangeAsync(session, chunk[sent..], offset + sent, total, cancellationToken);
                if (metadata is not null || persisted >= offset + chunk.Length)
                {
                    return metadata;
                }

                sent = (int)(persisted - offset);
                attempt = 0;
            }
            catch (CloudServiceException ex) when (ex.IsTransient && attempt < ChunkRecoveryAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt * attempt), cancellationToken);
                var (metadata, persisted) = await QuerySessionAsync(session, total, cancellationToken);
                if (metadata is not null)
                {
                    return metadata;
                }

                sent = (int)Math.Clamp(persisted - offset, 0, chunk.Length);
                logger.UploadResumed(name, offset + sent);
                if (sent == chunk.Length && total is null)
                {
                    return null;
                }
            }
        }
    }

    private async Task<(ObjectMetadata? Metadata, long Persisted)> PutRangeAsync(Uri session, ReadOnlyMemory<byte> bytes, long start, long? total, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, session) { Content = new ReadOnlyMemoryContent(bytes) };
        var totalText = total?.ToString(CultureInfo.InvariantCulture) ?? "*";
        request.Content.Headers.TryAddWithoutValidation(
            "Content-Range",
            bytes.Length == 0
                ? $"bytes */{totalText}"
                : $"bytes {start.ToString(CultureInfo.InvariantCulture)}-{(start + bytes.Length - 1).ToString(CultureInfo.InvariantCulture)}/{totalText}");

        // Not retried by the pipeline: after an ambiguous failure the session must be asked where it stands.
        using var response = await GoogleRequests.SendAsync(Http, request, retryable: false, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await ReadSessionAnswerAsync(response, cancellationToken);
    }

    private async Task<(ObjectMetadata? Metadata, long Persisted)> QuerySessionAsync(Uri session, long? total, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, session) { Content = new ByteArrayContent([]) };
        request.Content.Headers.TryAddWithoutValidation("Content-Range", $"bytes */{total?.ToString(CultureInfo.InvariantCulture) ?? "*"}");
        using var response = await GoogleRequests.SendAsync(Http, request, retryable: true, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await ReadSessionAnswerAsync(response, cancellationToken);
    }

    private static async Task<(ObjectMetadata? Metadata, long Persisted)> ReadSessionAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if ((int)response.StatusCode == 308)
        {
            // "Range: bytes=0-N" means N+1 bytes persisted; no Range header means none.
            var persisted = response.Headers.TryGetValues("Range", out var values)
                && values.FirstOrDefault() is { } range
                && range.LastIndexOf('-') is var dash and > 0
                && long.TryParse(range.AsSpan(dash + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var last)
                ? last + 1
                : 0;
            return (null, persisted);
        }

        await GoogleRequests.EnsureSuccessAsync(response, cancellationToken);
        return (ParseObject(await GoogleRequests.ReadJsonAsync(response, cancellationToken)), -1);
    }

    private static async Task<int> FillAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer[filled..], cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }

    /// <summary>The bytes already read to choose the upload kind, followed by the rest of the stream.</summary>
    private sealed class ChunkSource(byte[] head, int headLength, Stream rest)
    {
        private int _headOffset;

        public async Task<int> FillAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var fromHead = Math.Min(buffer.Length, headLength - _headOffset);
            head.AsMemory(_headOffset, fromHead).CopyTo(buffer);
            _headOffset += fromHead;
            return fromHead + await GcsObjectStore.FillAsync(rest, buffer[fromHead..], cancellationToken);
        }
    }
}
