using System.Globalization;

namespace Orchestration.Domain.Validation;

/// <summary>Checks names that become paths inside a run's workspace (input names, verdict files).</summary>
/// <remarks>A name like <c>../../etc/cron.d/x</c> or one carrying a NUL or a right-to-left override would
/// write outside the workspace or mislead a reader; such names are refused before anything runs.</remarks>
public static class SafeRelativePath
{
    /// <summary>Longest accepted name, in characters.</summary>
    public const int MaxLength = 255;

    internal static readonly HashSet<string> ReservedSegments = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    /// <summary>Returns why <paramref name="name"/> is not a safe relative path, or null when it is.</summary>
    /// <param name="name">A relative path with <c>/</c> separators.</param>
    /// <returns>A reason, or null.</returns>
    public static string? Check(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return "Must not be empty.";
        }

        if (name.Length > MaxLength)
        {
            return $"Must be at most {MaxLength} characters.";
        }

        foreach (var c in name)
        {
            var category = char.GetUnicodeCategory(c);
            if (char.IsControl(c) || category is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return "Must not contain control or invisible formatting characters.";
            }
        }

        if (name.Contains('\\', StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal))
        {
            return "Must not contain '\\' or ':'; use '/' between folders.";
        }

        if (name.StartsWith('/') || name.StartsWith('~'))
        {
            return "Must be a relative path inside the workspace, not an absolute one.";
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                return "Must not contain empty, '.' or '..' segments: it would escape or confuse the workspace.";
            }

            if (ReservedSegments.Contains(segment.Split('.')[0]))
            {
                return $"'{segment}' is a reserved device name on some systems.";
            }

            if (segment.EndsWith(' ') || segment.StartsWith('-'))
            {
                return "Segments must not start with '-' or end with a space.";
            }
        }

        return null;
    }
}
