using System.Reflection;
using System.Xml.Linq;
using Orchestration.Activities;
using Orchestration.Api;
using Orchestration.Domain;
using Orchestration.Durable;
using Orchestration.DurableSdk;
using Orchestration.Engine;
using Orchestration.Workflows;

namespace Orchestration.Functions.Tests.Architecture;

/// <summary>The dependency rule of issue 23: workflows, API, ports and the durable seam use ports only. Only the
/// hosts (Server, Functions), benches and tests reference src/Adapters, and the cloud SDKs and SQLite stay there.</summary>
/// <remarks>This project references every host-side assembly (the Functions host references them all), so the
/// compiled assemblies are checked here; the project files are checked too, because an unused reference does not
/// show in an assembly's metadata.</remarks>
public sealed class DependencyRuleTests
{
    private const string AdaptersAssembly = "Orchestration.Adapters";

    // Projects that must not reference the adapters, by an anchor type of each.
    private static readonly Dictionary<string, Assembly> PortSide = new()
    {
        ["Workflows"] = typeof(WorkflowCatalog).Assembly,
        ["Api"] = typeof(OrchestrationApi).Assembly,
        ["Activities"] = typeof(RunSettings).Assembly,
        ["DurableSdk"] = typeof(DurableTaskRegistryExtensions).Assembly,
        ["Domain"] = typeof(BatchJson).Assembly,
        ["Durable"] = typeof(TaskName).Assembly,
        ["Engine"] = typeof(EngineServiceCollectionExtensions).Assembly,
    };

    // Of those, the ones that must not reference a cloud SDK or SQLite either (the engine keeps its SQLite).
    private static readonly string[] SdkFree = ["Workflows", "Api", "Activities", "DurableSdk"];

    public static TheoryData<string> PortSideProjects => Data(PortSide.Keys);

    public static TheoryData<string> SdkFreeProjects => Data(SdkFree);

    [Theory]
    [MemberData(nameof(PortSideProjects))]
    public void ReferencedAssemblies_PortSideProject_NoAdapters(string project)
    {
        var references = PortSide[project].GetReferencedAssemblies().Select(a => a.Name!);

        Assert.DoesNotContain(AdaptersAssembly, references);
    }

    [Theory]
    [MemberData(nameof(SdkFreeProjects))]
    public void ReferencedAssemblies_SdkFreeProject_NoCloudSdkOrSqlite(string project)
    {
        var forbidden = PortSide[project].GetReferencedAssemblies().Select(a => a.Name!).Where(IsCloudSdkOrSqlite).ToList();

        Assert.Empty(forbidden);
    }

    [Theory]
    [MemberData(nameof(PortSideProjects))]
    public void ProjectFile_PortSideProject_NoAdaptersReference(string project)
    {
        var references = Includes(project, "ProjectReference");

        Assert.DoesNotContain(references, r => r.Replace('\\', '/').EndsWith("/Orchestration.Adapters.csproj", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(SdkFreeProjects))]
    public void ProjectFile_SdkFreeProject_NoCloudSdkOrSqlitePackage(string project)
    {
        var forbidden = Includes(project, "PackageReference").Where(IsCloudSdkOrSqlite).ToList();

        Assert.Empty(forbidden);
    }

    [Fact]
    public void ReferencedAssemblies_FunctionsHost_UsesAdapters()
    {
        // The positive case: the rule is checked against real metadata, in which a host does list the adapters.
        Assert.Contains(AdaptersAssembly, typeof(FunctionsServiceCollectionExtensions).Assembly.GetReferencedAssemblies().Select(a => a.Name));
    }

    private static TheoryData<string> Data(IEnumerable<string> projects)
    {
        var data = new TheoryData<string>();
        foreach (var project in projects)
        {
            data.Add(project);
        }

        return data;
    }

    private static bool IsCloudSdkOrSqlite(string name) =>
        name.StartsWith("Azure.", StringComparison.Ordinal)
        || name.StartsWith("Google.", StringComparison.Ordinal)
        || name.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal);

    private static List<string> Includes(string project, string item)
    {
        var path = Path.Combine(RepositoryRoot(), "src", project, $"Orchestration.{project}.csproj");
        return [.. XDocument.Load(path).Descendants(item).Select(e => (string?)e.Attribute("Include")).OfType<string>()];
    }

    private static string RepositoryRoot()
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
