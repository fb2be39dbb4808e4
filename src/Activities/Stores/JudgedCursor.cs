using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Orchestration.Activities.Stores;

/// <summary>The opaque cursor of the judged-order run stream: a batch's judged sequence number, encoded.</summary>
/// <remarks>Both result stores number a batch's runs in the order their final rows were first written; the
/// cursor carries that number so that it stays valid across processes, hosts and store restarts. The
/// encoding is a versioned prefix in base64url, so clients treat it as opaque and the format can change.</remarks>
public static class JudgedCursor
{
    private const string Prefix = "j1:";

    /// <summary>The cursor before the first judged run.</summary>
    public static string Start { get; } = Of(0);

    /// <summary>Encodes a judged sequence number.</summary>
    /// <param name="sequence">The sequence (0 = before the first run).</param>
    /// <returns>The cursor.</returns>
    public static string Of(long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Prefix + sequence.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>Decodes a cursor; null or empty means the start.</summary>
    /// <param name="cursor">The cursor a client sent.</param>
    /// <param name="sequence">The sequence it stands for.</param>
    /// <returns>False when the text is not a cursor this service issued.</returns>
    public static bool TryParse(string? cursor, out long sequence)
    {
        sequence = 0;
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }

        if (cursor.Length > 64)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[64];
        if (Base64Url.DecodeFromChars(cursor, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(bytes[..written]);
        return text.StartsWith(Prefix, StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }

    /// <summary>Decodes a cursor or throws.</summary>
    /// <param name="cursor">The cursor.</param>
    /// <returns>The sequence.</returns>
    /// <exception cref="ArgumentException">The cursor is not valid.</exception>
    public static long Parse(string? cursor) =>
        TryParse(cursor, out var sequence) ? sequence : throw new ArgumentException("Invalid judged-order cursor.", nameof(cursor));
}
