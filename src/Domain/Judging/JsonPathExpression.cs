using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Orchestration.Domain.Judging;

/// <summary>A JSONPath from the small subset flag rules accept, parsed once.</summary>
/// <remarks>
/// Grammar: <c>$</c> followed by any number of segments, each one of
/// <c>.name</c> (any characters up to the next <c>.</c> or <c>[</c>),
/// <c>['name']</c> or <c>["name"]</c> (backslash escapes the quote and the backslash), and
/// <c>[index]</c> (a non-negative decimal array index). So <c>$</c>, <c>$.verdict.flagged</c>,
/// <c>$['my key'][0]</c>. Wildcards, slices, filters, negative indexes and recursive descent
/// (<c>..</c>) are refused: a flag rule selects exactly one value, deterministically.
/// </remarks>
public sealed class JsonPathExpression
{
    private readonly IReadOnlyList<Segment> _segments;

    private JsonPathExpression(string text, IReadOnlyList<Segment> segments)
    {
        Text = text;
        _segments = segments;
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    /// <summary>Parses <paramref name="path"/>.</summary>
    /// <param name="path">The path, e.g. <c>$.verdict.flagged</c>.</param>
    /// <param name="expression">The parsed path when valid.</param>
    /// <param name="error">Why it is not valid, otherwise.</param>
    /// <returns>True when valid.</returns>
    public static bool TryParse(string path, out JsonPathExpression? expression, out string? error)
    {
        ArgumentNullException.ThrowIfNull(path);
        expression = null;
        if (path.Length == 0 || path[0] != '$')
        {
            error = "a JSONPath starts with '$'";
            return false;
        }

        var segments = new List<Segment>();
        var position = 1;
        while (position < path.Length)
        {
            error = path[position] switch
            {
                '.' => ReadMember(path, ref position, segments),
                '[' => ReadBracket(path, ref position, segments),
                _ => At(position, $"unexpected '{path[position]}'"),
            };
            if (error is not null)
            {
                return false;
            }
        }

        expression = new JsonPathExpression(path, segments);
        error = null;
        return true;
    }

    /// <summary>Selects the value at this path in <paramref name="root"/>.</summary>
    /// <param name="root">The document's root element.</param>
    /// <param name="value">The selected value when it exists.</param>
    /// <returns>True when every segment matched (a member exists, an index is in range).</returns>
    public bool TrySelect(JsonElement root, out JsonElement value)
    {
        value = root;
        foreach (var segment in _segments)
        {
            if (!segment.TryStep(value, out value))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    private static string? ReadMember(string path, ref int position, List<Segment> segments)
    {
        var start = ++position;
        while (position < path.Length && path[position] is not ('.' or '['))
        {
            position++;
        }

        var name = path[start..position];
        if (name.Length == 0)
        {
            return At(start, "a member name is empty (recursive descent '..' is not supported)");
        }

        if (name == "*")
        {
            return At(start, "wildcards are not supported");
        }

        segments.Add(Segment.Member(name));
        return null;
    }

    private static string? ReadBracket(string path, ref int position, List<Segment> segments)
    {
        var start = ++position;
        if (position < path.Length && path[position] is '\'' or '"')
        {
            return ReadQuoted(path, ref position, segments);
        }

        while (position < path.Length && char.IsAsciiDigit(path[position]))
        {
            position++;
        }

        if (position == start || position >= path.Length || path[position] != ']')
        {
            return At(start, "expected a quoted name or a non-negative index followed by ']'");
        }

        if (!int.TryParse(path.AsSpan(start, position - start), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return At(start, "the index is too large");
        }

        position++;
        segments.Add(Segment.Element(index));
        return null;
    }

    private static string? ReadQuoted(string path, ref int position, List<Segment> segments)
    {
        var quote = path[position++];
        var name = new StringBuilder();
        while (position < path.Length && path[position] != quote)
        {
            if (path[position] == '\\' && position + 1 < path.Length)
            {
                position++;
            }

            name.Append(path[position++]);
        }

        if (position + 1 >= path.Length || path[position + 1] != ']')
        {
            return At(position, "an unterminated quoted name (expected a closing quote and ']')");
        }

        position += 2;
        segments.Add(Segment.Member(name.ToString()));
        return null;
    }

    private static string At(int position, string message) =>
        string.Create(CultureInfo.InvariantCulture, $"at position {position}: {message}");

    private sealed record Segment(string? Name, int Index)
    {
        public static Segment Member(string name) => new(name, -1);

        public static Segment Element(int index) => new(null, index);

        public bool TryStep(JsonElement current, out JsonElement next)
        {
            next = default;
            if (Name is not null)
            {
                return current.ValueKind == JsonValueKind.Object && current.TryGetProperty(Name, out next);
            }

            if (current.ValueKind != JsonValueKind.Array || Index >= current.GetArrayLength())
            {
                return false;
            }

            next = current[Index];
            return true;
        }
    }
}
