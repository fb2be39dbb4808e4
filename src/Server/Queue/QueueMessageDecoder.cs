using Azure.Storage.Queues;

namespace Orchestration.Server.Queue;

/// <summary>Turns a message's text, as stored, into the body the handler reads.</summary>
internal static class QueueMessageDecoder
{
    /// <summary>The decoded body, or null with a reason when the text is not in <paramref name="encoding"/>.</summary>
    public static BinaryData? Decode(BinaryData raw, QueueMessageEncoding encoding, out string? reason)
    {
        reason = null;
        if (encoding == QueueMessageEncoding.None)
        {
            return raw;
        }

        var text = raw.ToString();
        var buffer = new byte[text.Length];
        if (Convert.TryFromBase64String(text, buffer, out var written))
        {
            return BinaryData.FromBytes(buffer.AsMemory(0, written));
        }

        reason = "The message is not base64, but Orchestration:Queue:MessageEncoding is Base64 (the Functions host's default); " +
            "put the message base64-encoded, or set Orchestration:Queue:MessageEncoding to None to read JSON verbatim.";
        return null;
    }
}
