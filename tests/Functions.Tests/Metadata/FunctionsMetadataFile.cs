using System.Text.Json;

namespace Orchestration.Functions.Tests.Metadata;

/// <summary>The Worker SDK's generated <c>functions.metadata</c>: what the Functions host indexes at start.</summary>
/// <remarks>The Worker SDK writes it into src/Functions' build output as a content item, so the ProjectReference copies
/// it (with host.json, worker.config.json and extensions.json) into this project's output, where it is read. The
/// tests check it against the loaded Orchestration.Functions assembly both ways, so a stale copy fails too.</remarks>
public sealed record FunctionsMetadataFile(IReadOnlyList<FunctionEntry> Functions)
{
    public static string PathInOutput { get; } = Path.Combine(AppContext.BaseDirectory, "functions.metadata");

    public static FunctionsMetadataFile Read()
    {
        if (!File.Exists(PathInOutput))
        {
            throw new FileNotFoundException(
                "functions.metadata is not in the test output: src/Functions' build (Worker SDK) writes it and the ProjectReference copies it here.",
                PathInOutput);
        }

        using var document = JsonDocument.Parse(File.ReadAllText(PathInOutput));
        return new FunctionsMetadataFile([.. document.RootElement.EnumerateArray().Select(FunctionEntry.From)]);
    }

    public FunctionEntry Single(string name) => Assert.Single(Functions, f => f.Name == name);
}

/// <summary>One function of <c>functions.metadata</c>.</summary>
public sealed record FunctionEntry(string Name, string ScriptFile, string EntryPoint, IReadOnlyList<BindingEntry> Bindings)
{
    /// <summary>The trigger binding (every function has exactly one).</summary>
    public BindingEntry Trigger => Assert.Single(Bindings, b => b.Direction == "In" && b.Type.EndsWith("Trigger", StringComparison.Ordinal));

    public static FunctionEntry From(JsonElement e) => new(
        e.GetProperty("name").GetString()!,
        e.GetProperty("scriptFile").GetString()!,
        e.GetProperty("entryPoint").GetString()!,
        [.. e.GetProperty("bindings").EnumerateArray().Select(BindingEntry.From)]);
}

/// <summary>One binding of a function.</summary>
public sealed record BindingEntry(string Name, string Type, string Direction, string? AuthLevel, IReadOnlyList<string> Methods, string? Route, string? QueueName, string? Schedule)
{
    public static BindingEntry From(JsonElement e) => new(
        e.GetProperty("name").GetString()!,
        e.GetProperty("type").GetString()!,
        e.GetProperty("direction").GetString()!,
        Optional(e, "authLevel"),
        e.TryGetProperty("methods", out var methods) ? [.. methods.EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant())] : [],
        Optional(e, "route"),
        Optional(e, "queueName"),
        Optional(e, "schedule"));

    private static string? Optional(JsonElement e, string name) => e.TryGetProperty(name, out var value) ? value.GetString() : null;
}
