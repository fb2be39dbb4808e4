namespace Orchestration.Server;

/// <summary>Finds <c>runner/runner.sh</c> of the repository the executable was built from.</summary>
public static class RunnerScriptLocator
{
    /// <summary>The runner script: <paramref name="configured"/> when set, else the first
    /// <c>runner/runner.sh</c> above the executable's folder, then above the current folder.</summary>
    /// <param name="configured">The <c>Standalone:RunnerScript</c> setting.</param>
    /// <returns>The full path, or null when none is found.</returns>
    public static string? Find(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        return Above(AppContext.BaseDirectory) ?? Above(Environment.CurrentDirectory);
    }

    private static string? Above(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "runner", "runner.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Gives the files of <paramref name="folder"/> (the stand-ins put on the runner's PATH) the
    /// execute bit when they lack it.</summary>
    /// <remarks>A NuGet package does not carry file modes: whether the installed tool's <c>runner/local/gcloud</c>
    /// is executable depends on the NuGet client that extracted it. A folder the user cannot change is left
    /// alone: the runner then reports the failed call.</remarks>
    /// <param name="folder">The folder (missing is fine).</param>
    public static void EnsureExecutable(string folder)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(folder))
        {
            return;
        }

        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            try
            {
                var mode = File.GetUnixFileMode(file);
                if ((mode & UnixFileMode.UserExecute) == 0)
                {
                    File.SetUnixFileMode(file, mode | execute);
                }
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                // Read-only install: see the remarks.
            }
        }
    }
}
