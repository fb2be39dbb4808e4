namespace Orchestration.Domain.Judging;

/// <summary>Cuts a response to a UTF-8 byte budget without splitting a character.</summary>
internal static class ResponseText
{
    public static (string Text, bool Truncated) Cap(string text, int maxBytes)
    {
        if (text.Length <= maxBytes / 3 || System.Text.Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return (text, false);
        }

        var bytes = 0;
        var index = 0;
        while (index < text.Length)
        {
            var (chars, size) = Measure(text, index);
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            index += chars;
        }

        return (text[..index], true);
    }

    private static (int Chars, int Bytes) Measure(string text, int index)
    {
        var c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            return (2, 4);
        }

        // A lone surrogate encodes as U+FFFD, three bytes.
        return (1, c < 0x80 ? 1 : c < 0x800 ? 2 : 3);
    }
}
