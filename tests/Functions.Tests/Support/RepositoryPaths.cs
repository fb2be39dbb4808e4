namespace Orchestration.Functions.Tests.Support;

/// <summary>Where the repository and the test binaries are.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orchestration.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Orchestration.sln not found above " + AppContext.BaseDirectory);
    }
}
