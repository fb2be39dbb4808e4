using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Orchestration.Domain;

/// <summary>Batch and task ids: the pattern they follow and the ways an omitted batch id is derived.</summary>
public static partial class BatchIds
{
    /// <summary>The pattern, as users read it in messages.</summary>
    public const string Pattern = @"\A[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z";

    /// <summary>Whether <paramref name="id"/> is a valid batch or task id.</summary>
    /// <remarks><c>\z</c>, not <c>$</c>: in .NET <c>$</c> also matches before a trailing newline.</remarks>
    /// <param name="id">The candidate.</param>
    /// <returns>True when valid.</returns>
    public static bool IsValid(string? id) => id is not null && IdRegex().IsMatch(id);

    /// <summary>The id of a batch submitted without one but with an idempotency key (or queue message id).</summary>
    /// <remarks>Hashed so that any key, whatever its characters, gives a valid id, and the same key always
    /// gives the same batch.</remarks>
    /// <param name="idempotencyKey">The key.</param>
    /// <returns>A valid id.</returns>
    public static string FromIdempotencyKey(string idempotencyKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        return "k-" + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..32];
    }

    /// <summary>A new id for a batch with neither id nor key: sortable by time, unique by randomness.</summary>
    /// <param name="now">The current time (a parameter: the domain has no clock).</param>
    /// <param name="random">At least 5 random bytes.</param>
    /// <returns>A valid id such as <c>b-20261123T184105Z-3fa9c2d1e0</c>.</returns>
    public static string Generate(DateTimeOffset now, ReadOnlySpan<byte> random)
    {
        if (random.Length < 5)
        {
            throw new ArgumentException("At least 5 random bytes are needed.", nameof(random));
        }

        return $"b-{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Hex(random[..5])}";
    }

    /// <summary>The id of a batch run from a file that names none: the file's name and a hash of its
    /// content, so running the same file again resumes the same batch and an edited file starts a new one.</summary>
    /// <param name="fileName">The file name (a path is reduced to its name without extension).</param>
    /// <param name="content">The file's bytes.</param>
    /// <returns>A valid id.</returns>
    public static string FromFile(string fileName, ReadOnlySpan<byte> content)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var stem = Path.GetFileNameWithoutExtension(fileName);
        var cleaned = new StringBuilder();
        foreach (var c in stem)
        {
            cleaned.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-');
        }

        var prefix = cleaned.ToString().TrimStart('.', '_', '-');
        prefix = prefix.Length == 0 ? "batch" : prefix[..Math.Min(prefix.Length, 40)];
        return $"{prefix}-{Hex(SHA256.HashData(content))[..12]}";
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex IdRegex();
}
