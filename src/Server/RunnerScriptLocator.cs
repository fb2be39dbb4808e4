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
}
