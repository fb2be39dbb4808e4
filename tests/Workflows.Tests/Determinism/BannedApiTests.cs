using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Orchestration.Workflows.Tests.Determinism;

/// <summary>src/Workflows/BannedSymbols.txt is only a guard if every line names a real symbol (the analyzer skips one
/// that names nothing) and the analyzer reports its use; both shown here with the analyzer and list the build uses.</summary>
public sealed class BannedApiTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "BannedApiAnalyzers");

    private static readonly Lazy<CSharpCompilation> Platform = new(() => CSharpCompilation.Create(
        "probe",
        references: ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(path => MetadataReference.CreateFromFile(path)),
        options: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)));

    public static TheoryData<string> Entries()
    {
        var data = new TheoryData<string>();
        foreach (var id in BannedIds())
        {
            data.Add(id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void BannedSymbols_Entry_NamesASymbolOfThePlatform(string id)
    {
        // Act
        var symbols = DocumentationCommentId.GetSymbolsForDeclarationId(id, Platform.Value);

        // Assert: a line that resolves to nothing would ban nothing, silently.
        Assert.False(symbols.IsEmpty, $"'{id}' names no symbol");
    }

    [Fact]
    public async Task Analyzer_OrchestratorUsingClockRandomnessTimersAndIo_ReportsEachUse()
    {
        // Arrange: an orchestrator-shaped class with one use of each kind of banned API.
        const string source = """
            using System;
            using System.Threading.Tasks;

            public static class Orchestrator
            {
                public static async Task<object[]> RunAsync()
                {
                    var now = DateTime.UtcNow;
                    var id = Guid.NewGuid();
                    var roll = new Random().Next();
                    await Task.Delay(TimeSpan.FromSeconds(1));
                    var home = Environment.GetEnvironmentVariable("HOME");
                    var text = System.IO.File.ReadAllText("x");
                    return [now, id, roll, home!, text];
                }

                public static DateTime Allowed(DateTime fromContext) => fromContext.AddSeconds(1);
            }
            """;
        var compilation = Platform.Value.AddSyntaxTrees(CSharpSyntaxTree.ParseText(source, path: "Orchestrator.cs"));
        var banned = new ListText(Path.Combine(Folder, "BannedSymbols.txt"));

        // Act
        var diagnostics = await compilation
            .WithAnalyzers(LoadAnalyzers(), new AnalyzerOptions([banned]))
            .GetAnalyzerDiagnosticsAsync();

        // Assert: the six uses on lines 8 to 13 and nothing on the replay-safe method.
        var lines = diagnostics.Where(d => d.Id == "RS0030").Select(d => d.Location.GetLineSpan().StartLinePosition.Line + 1).Distinct().Order();
        Assert.Equal([8, 9, 10, 11, 12, 13], lines);
        Assert.Contains(diagnostics, d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("context.CurrentUtcDateTime", StringComparison.Ordinal));
    }

    [Fact]
    public void ProjectFile_Workflows_UsesTheListAsAdditionalFile()
    {
        // The list guards nothing unless the project hands it to the analyzer.
        var project = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Workflows", "Orchestration.Workflows.csproj"));

        Assert.Contains("<AdditionalFiles Include=\"BannedSymbols.txt\" />", project, StringComparison.Ordinal);
        Assert.Contains("Microsoft.CodeAnalysis.BannedApiAnalyzers", project, StringComparison.Ordinal);
    }

    private static IEnumerable<string> BannedIds() =>
        File.ReadAllLines(Path.Combine(Folder, "BannedSymbols.txt"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith("//", StringComparison.Ordinal))
            .Select(line => line.Split(';')[0].Trim());

    private static ImmutableArray<DiagnosticAnalyzer> LoadAnalyzers()
    {
        var assembly = Assembly.LoadFrom(Path.Combine(Folder, "Microsoft.CodeAnalysis.CSharp.BannedApiAnalyzers.dll"));
        var analyzers = assembly.GetTypes()
            .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && type.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
            .ToImmutableArray();
        Assert.NotEmpty(analyzers);
        return analyzers;
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

    /// <summary>The list as the build passes it: an additional file named BannedSymbols.txt.</summary>
    private sealed class ListText(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(File.ReadAllText(Path), Encoding.UTF8);
    }
}
