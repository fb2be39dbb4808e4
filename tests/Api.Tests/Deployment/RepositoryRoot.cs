namespace Orchestration.Api.Tests.Deployment;

/// <summary>The repository's root folder (the one holding Orchestration.sln), where the deployment files live.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Orchestration.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Orchestration.sln not found above " + AppContext.BaseDirectory);
    }
}
