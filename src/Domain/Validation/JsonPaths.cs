namespace Orchestration.Domain.Validation;

/// <summary>Builds the document paths problems are reported at: <c>tasks[2].inputs.repo</c>.</summary>
public static class JsonPaths
{
    /// <summary>The path of the whole document, as problems report it.</summary>
    public const string Root = "$";

    /// <summary>Appends a property name: <c>.name</c>, or <c>['odd name']</c> when it is not a plain identifier.</summary>
    /// <param name="parent">The parent path ("" for the root).</param>
    /// <param name="name">The property or dictionary key.</param>
    /// <returns>The child path.</returns>
    public static string Property(string parent, string name)
    {
        if (IsPlain(name))
        {
            return parent.Length == 0 ? name : $"{parent}.{name}";
        }

        var escaped = name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
        return $"{parent}['{Printable(escaped)}']";
    }

    /// <summary>Appends an array index.</summary>
    /// <param name="parent">The parent path.</param>
    /// <param name="index">The index.</param>
    /// <returns>The child path.</returns>
    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>Turns a System.Text.Json reader path (<c>$.tasks[0].n</c>) into this form (<c>tasks[0].n</c>).</summary>
    /// <param name="readerPath">The reader's path, possibly null.</param>
    /// <returns>The path without the <c>$</c> root.</returns>
    public static string FromReaderPath(string? readerPath)
    {
        if (string.IsNullOrEmpty(readerPath) || readerPath == "$")
        {
            return "";
        }

        var path = readerPath.StartsWith("$.", StringComparison.Ordinal) ? readerPath[2..] : readerPath.TrimStart('$');
        return Printable(path);
    }

    private static bool IsPlain(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    // Control and format characters in a path would make the message itself misleading; show them escaped.
    private static string Printable(string text)
    {
        var needs = false;
        foreach (var c in text)
        {
            needs |= char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;
        }

        if (!needs)
        {
            return text;
        }

        var builder = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            var hidden = char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;
            builder.Append(hidden ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return builder.ToString();
    }
}
