namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>Path resolution as coreutils' <c>realpath</c> and Node's <c>fs.realpathSync</c> do it, and program lookup on an environment's PATH.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class NativePaths
{
    private const int AtCurrentFolder = -100;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;
    private const int FileTypeMask = 0xF000;
    private const int RegularFileType = 0x8000;
    private const int FifoType = 0x1000;

    /// <summary>Whether <paramref name="path"/> (links followed) is a regular file, as Node's <c>fs.statSync(p).isFile()</c>:
    /// a FIFO, socket or device is not (and opening a FIFO to read it would block).</summary>
    /// <remarks>statx(2), whose buffer layout is the same on every architecture (<c>stx_mode</c> at byte 28), unlike stat's.</remarks>
    /// <returns>False also when the path cannot be examined.</returns>
    public static bool IsRegularFile(string path) => FileType(path) == RegularFileType;

    /// <summary>Whether <paramref name="path"/> (links followed) is a FIFO (named pipe).</summary>
    /// <returns>False also when the path cannot be examined.</returns>
    public static bool IsFifo(string path) => FileType(path) == FifoType;

    /// <summary>The file type bits of <c>st_mode</c> (<c>S_IFMT</c>), or 0 when the path cannot be examined.</summary>
    private static int FileType(string path)
    {
        var buffer = new byte[256];
        return Statx(AtCurrentFolder, path, 0, StatxType, buffer) != 0 ? 0 : BitConverter.ToUInt16(buffer, StatxModeOffset) & FileTypeMask;
    }

    /// <summary>The canonical path with every link resolved; with <paramref name="allowMissing"/> the missing tail is kept as it is (<c>realpath -m</c>).</summary>
    /// <returns>The path, or null when a component is missing and that is not allowed (or links loop).</returns>
    public static string? RealPath(string path, bool allowMissing)
    {
        var pending = new Stack<string>(Path.GetFullPath(path).Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = "/";
        var links = 0;
        var missing = false;
        while (pending.Count > 0)
        {
            var segment = pending.Pop();
            if (segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                current = Path.GetDirectoryName(current) ?? "/";
                continue;
            }

            var next = Path.Join(current, segment);
            if (missing)
            {
                current = next;
                continue;
            }

            var info = new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (++links > 40)
                {
                    return null;
                }

                foreach (var part in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
                {
                    pending.Push(part);
                }

                if (target.StartsWith('/'))
                {
                    current = "/";
                }

                continue;
            }

            if (!info.Exists && !Directory.Exists(next))
            {
                if (!allowMissing)
                {
                    return null;
                }

                missing = true;
            }

            current = next;
        }

        return current;
    }

    /// <summary>Finds a program on the PATH of <paramref name="environment"/> (a name with a slash is taken as it is).</summary>
    public static string? Which(string program, IReadOnlyDictionary<string, string> environment)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(program) ? program : null;
        }

        var path = environment.TryGetValue("PATH", out var p) ? p : "/usr/local/bin:/usr/bin:/bin";
        foreach (var folder in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, program);
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
            {
                return candidate;
            }
        }

        return null;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
    private static extern int Statx(int folder, [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
