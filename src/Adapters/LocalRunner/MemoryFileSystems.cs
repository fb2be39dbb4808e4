using System.Text;

namespace Orchestration.Adapters.LocalRunner;

/// <summary>Tells whether a path lies on a memory file system (tmpfs, ramfs), where fsync keeps nothing a machine restart would not empty anyway.</summary>
/// <remarks>
/// The mount table (<c>/proc/self/mounts</c>) is read once per process, so asking costs no system call; the mount
/// point that holds a path is the longest one that prefixes it, taken as written (symbolic links are not followed:
/// give the real path). A file system mounted after the host started is not seen: its paths read as the mount above
/// them, which is the disk (fsync'd, the safe side) unless that is a memory mount. Without a mount table (not Linux)
/// nothing is in memory.
/// </remarks>
internal static class MemoryFileSystems
{
    private static readonly Lazy<IReadOnlyList<(string MountPoint, bool InMemory)>> Mounts = new(() => Parse(ReadMountTable()));

    /// <summary>True when <paramref name="path"/> (absolute) lies on a memory file system.</summary>
    /// <param name="path">An absolute path.</param>
    /// <returns>Whether its file system keeps its files in memory only.</returns>
    public static bool Holds(string path) => Holds(Mounts.Value, path);

    /// <summary>The answer of <see cref="Holds(string)"/> for a given mount table (tests).</summary>
    /// <param name="mounts">Mount points and whether each is in memory, as <see cref="Parse"/> returns them.</param>
    /// <param name="path">An absolute path.</param>
    /// <returns>Whether the longest mount point prefixing the path is in memory.</returns>
    internal static bool Holds(IReadOnlyList<(string MountPoint, bool InMemory)> mounts, string path)
    {
        if (!Path.IsPathRooted(path))
        {
            return false;
        }

        var best = -1;
        var inMemory = false;
        foreach (var (mountPoint, memory) in mounts)
        {
            if (mountPoint.Length > best && Under(path, mountPoint))
            {
                best = mountPoint.Length;
                inMemory = memory;
            }
        }

        return inMemory;
    }

    /// <summary>Reads <c>/proc/self/mounts</c> lines: device, mount point (spaces and the like as octal escapes), type, ...</summary>
    /// <param name="lines">The mount table's lines.</param>
    /// <returns>Mount points in table order, each with whether its type is tmpfs or ramfs.</returns>
    internal static List<(string MountPoint, bool InMemory)> Parse(IEnumerable<string> lines)
    {
        var mounts = new List<(string, bool)>();
        foreach (var line in lines)
        {
            var fields = line.Split(' ');
            if (fields.Length >= 3)
            {
                mounts.Add((Unescape(fields[1]), fields[2] is "tmpfs" or "ramfs"));
            }
        }

        return mounts;
    }

    private static string[] ReadMountTable()
    {
        try
        {
            return OperatingSystem.IsLinux() ? File.ReadAllLines("/proc/self/mounts") : [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static bool Under(string path, string mountPoint) =>
        mountPoint == "/"
        || (path.StartsWith(mountPoint, StringComparison.Ordinal) && (path.Length == mountPoint.Length || path[mountPoint.Length] == '/'));

    /// <summary>The kernel writes space, tab, newline and backslash in a mount point as <c>\ooo</c>.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var text = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                text.Append((char)(((field[i + 1] - '0') * 64) + ((field[i + 2] - '0') * 8) + (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }

        return text.ToString();
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}
