using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestration.Api.Queue;

namespace Orchestration.Adapters.Queue;

/// <summary>Puts a message that could not be submitted on <c>batch-submissions-poison</c>, with the reason
/// beside the original body.</summary>
/// <remarks>
/// The poison message is a JSON object, in the configured <see cref="SubmissionQueueOptions.MessageEncoding"/>:
/// <code>
/// { "messageId": "...", "reason": "...", "dequeueCount": 1, "rejectedAt": "2026-11-23T21:00:00+00:00",
///   "bodyEncoding": "text" | "base64", "body": "...", "bodyBytes": 1234, "bodyTruncated": false, "bodySha256": "..." }
/// </code>
/// <c>body</c> is the decoded original: as text when it is UTF-8, else base64. A queue message holds at
/// most 64 KiB, so a body that would not fit beside the reason is cut (<c>bodyTruncated</c>); its length
/// and SHA-256 still identify it.
/// </remarks>
/// <param name="clients">The poison queue.</param>
/// <param name="options">The message encoding.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logs message ids.</param>
public sealed class PoisonQueueWriter(SubmissionQueueClients clients, IOptions<SubmissionQueueOptions> options, TimeProvider time, ILogger<PoisonQueueWriter> logger)
{
    private const int MaxReasonLength = 2_000;
    private const int MaxTextBodyBytes = 32 * 1024;
    private const int MaxBase64BodyBytes = 24 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes the poison message.</summary>
    /// <param name="messageId">The original message's id.</param>
    /// <param name="reason">Why it was not submitted.</param>
    /// <param name="dequeueCount">How many times it had been delivered.</param>
    /// <param name="body">The original body, decoded.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task WriteAsync(string messageId, string reason, long dequeueCount, BinaryData body, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        ArgumentNullException.ThrowIfNull(body);
        var message = Format(messageId, reason, dequeueCount, body.ToMemory(), time.GetUtcNow(), MaxJsonBytes(options.Value.MessageEncoding));
        await clients.Poison.SendMessageAsync(BinaryData.FromBytes(message), cancellationToken: cancellationToken).ConfigureAwait(false);
        Logs.PoisonWritten(logger, messageId, dequeueCount);
    }

    /// <summary>The largest JSON that still fits a queue message once encoded (64 KiB of text, less a margin).</summary>
    internal static int MaxJsonBytes(QueueMessageEncoding encoding) => encoding == QueueMessageEncoding.Base64 ? 48 * 1024 - 16 : 64 * 1024 - 512;

    internal static byte[] Format(string messageId, string reason, long dequeueCount, ReadOnlyMemory<byte> body, DateTimeOffset rejectedAt, int maxJsonBytes)
    {
        var clipped = QueueText.Clip(reason, MaxReasonLength);
        var text = TryText(body.Span, MaxTextBodyBytes);
        if (text is not null)
        {
            var json = Write(messageId, clipped, dequeueCount, body.Span, rejectedAt, "text", text.Value.Text, text.Value.Truncated);
            if (json.Length <= maxJsonBytes)
            {
                return json;
            }
        }

        // Not UTF-8, or text whose JSON escaping made it too long: base64 has a size we can bound.
        var cut = body.Span[..Math.Min(body.Length, MaxBase64BodyBytes)];
        return Write(messageId, clipped, dequeueCount, body.Span, rejectedAt, "base64", Convert.ToBase64String(cut), cut.Length < body.Length);
    }

    private static (string Text, bool Truncated)? TryText(ReadOnlySpan<byte> body, int maxBytes)
    {
        var length = Math.Min(body.Length, maxBytes);
        // Step back to a character boundary so a cut never splits a UTF-8 sequence.
        while (length < body.Length && length > 0 && (body[length] & 0xC0) == 0x80)
        {
            length--;
        }

        try
        {
            return (StrictUtf8.GetString(body[..length]), length < body.Length);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static byte[] Write(string messageId, string reason, long dequeueCount, ReadOnlySpan<byte> body, DateTimeOffset rejectedAt, string encoding, string content, bool truncated)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("messageId", messageId);
            writer.WriteString("reason", reason);
            writer.WriteNumber("dequeueCount", dequeueCount);
            writer.WriteString("rejectedAt", rejectedAt);
            writer.WriteString("bodyEncoding", encoding);
            writer.WriteString("body", content);
            writer.WriteNumber("bodyBytes", body.Length);
            writer.WriteBoolean("bodyTruncated", truncated);
            writer.WriteString("bodySha256", Convert.ToHexStringLower(SHA256.HashData(body)));
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
