using System.Text;

namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>Secret scrubbing and tail capping exactly as runner-lib.js does them.</summary>
/// <remarks>
/// Secrets are the values of ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN, CLAUDE_CODE_OAUTH_TOKEN, GITHUB_TOKEN,
/// GH_TOKEN and every name in RUNNER_SECRET_ENV_NAMES, each also in its JSON-escaped form; values shorter
/// than 8 characters are ignored (scrubbing "1" would ruin every output). Longest first, so a secret that
/// holds another is replaced whole.
/// </remarks>
internal sealed class NativeScrubber
{
    /// <summary>What a secret becomes.</summary>
    public static readonly byte[] Redacted = "[REDACTED]"u8.ToArray();

    private const int MinSecretLength = 8;

    private static readonly string[] BuiltinNames = ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN", "GITHUB_TOKEN", "GH_TOKEN"];

    private readonly List<byte[]> _needles;

    /// <summary>Collects the needles from an execution's environment.</summary>
    public NativeScrubber(IReadOnlyDictionary<string, string> environment)
    {
        var names = new List<string>(BuiltinNames);
        if (environment.TryGetValue("RUNNER_SECRET_ENV_NAMES", out var extra))
        {
            names.AddRange(extra.Split([' ', ',', '\t', '\n', '\r', '\f', '\v'], StringSplitOptions.RemoveEmptyEntries).Where(n => !names.Contains(n, StringComparer.Ordinal)));
        }

        var values = new List<string>();
        foreach (var name in names)
        {
            if (!environment.TryGetValue(name, out var value) || value.Length < MinSecretLength)
            {
                continue;
            }

            AddOnce(values, value);
            var escaped = JsJson.Quote(value)[1..^1];
            if (escaped != value)
            {
                AddOnce(values, escaped);
            }
        }

        // A stable sort by length, longest first, like Array.prototype.sort.
        _needles = values.Select((v, i) => (v, i)).OrderByDescending(p => p.v.Length).ThenBy(p => p.i).Select(p => Encoding.UTF8.GetBytes(p.v)).ToList();
    }

    /// <summary>True when there is nothing to scrub.</summary>
    public bool IsEmpty => _needles.Count == 0;

    /// <summary>The longest needle in bytes (what a capped read takes beyond the cap).</summary>
    public int Longest => _needles.Count == 0 ? 0 : _needles.Max(n => n.Length);

    /// <summary>Replaces every needle, longest first.</summary>
    public byte[] Scrub(byte[] buffer)
    {
        var current = buffer;
        foreach (var needle in _needles)
        {
            var at = current.AsSpan().IndexOf(needle);
            if (at < 0)
            {
                continue;
            }

            using var output = new MemoryStream(current.Length);
            var from = 0;
            while (at >= 0)
            {
                output.Write(current, from, at - from);
                output.Write(Redacted);
                from = at + needle.Length;
                var next = current.AsSpan(from).IndexOf(needle);
                at = next < 0 ? -1 : from + next;
            }

            output.Write(current, from, current.Length - from);
            current = output.ToArray();
        }

        return current;
    }

    /// <summary>The capped, scrubbed tail of the concatenation of <paramref name="files"/> (missing ones are empty).</summary>
    public (byte[] Content, long Bytes, bool Truncated) CaptureTail(IReadOnlyList<string> files, long cap)
    {
        var sizes = files.Select(SizeOf).ToList();
        var bytes = sizes.Sum();
        var raw = ReadTail(files, sizes, Math.Min(bytes, cap + Longest));
        return Cap(Scrub(raw), bytes, cap);
    }

    /// <summary>The capped, scrubbed tail of a buffer.</summary>
    public (byte[] Content, long Bytes, bool Truncated) BufferTail(byte[] buffer, long cap) => Cap(Scrub(buffer), buffer.Length, cap);

    private static (byte[] Content, long Bytes, bool Truncated) Cap(byte[] content, long bytes, long cap)
    {
        var truncated = bytes > cap;
        if (content.Length > cap)
        {
            content = content[(int)(content.Length - cap)..];
        }

        if (truncated)
        {
            // Drops a cut UTF-8 sequence at the start of the tail.
            var start = 0;
            while (start < content.Length && start < 4 && (content[start] & 0xc0) == 0x80)
            {
                start++;
            }

            content = content[start..];
        }

        return (content, bytes, truncated);
    }

    private static long SizeOf(string file)
    {
        try
        {
            var info = new FileInfo(file);
            return info.Exists ? info.Length : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static byte[] ReadTail(IReadOnlyList<string> files, List<long> sizes, long count)
    {
        var chunks = new List<byte[]>();
        var wanted = count;
        for (var i = files.Count - 1; i >= 0 && wanted > 0; i--)
        {
            if (sizes[i] == 0)
            {
                continue;
            }

            var take = Math.Min(sizes[i], wanted);
            var buffer = new byte[take];
            using (var stream = new FileStream(files[i], FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                stream.Seek(sizes[i] - take, SeekOrigin.Begin);
                stream.ReadExactly(buffer);
            }

            chunks.Insert(0, buffer);
            wanted -= take;
        }

        return [.. chunks.SelectMany(c => c)];
    }

    private static void AddOnce(List<string> values, string value)
    {
        if (!values.Contains(value, StringComparer.Ordinal))
        {
            values.Add(value);
        }
    }
}
