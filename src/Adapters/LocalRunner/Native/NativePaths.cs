namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>Path resolution as coreutils' <c>realpath</c> and Node's <c>fs.realpathSync</c> do it, and program lookup on an environment's PATH.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class NativePaths
{
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
}
