using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Orchestration.Api;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Comparison;
using Orchestration.Workflows.Service;

namespace Orchestration.Server;

/// <summary>The command line's JSON options, over generated metadata of what it reads and writes (no reflection, so
/// they hold in a natively compiled host).</summary>
internal static class ServerJson
{
    /// <summary><see cref="BatchJson"/>'s settings: stored aggregates and comparisons.</summary>
    public static JsonSerializerOptions Options { get; } = BatchJson.Create(ServerJsonContext.Default);

    /// <summary>Web defaults: the HTTP API's answers as a client reads them.</summary>
    public static JsonSerializerOptions Web { get; } = Create(indented: false);

    /// <summary>Web defaults, indented: the dry run's plan.</summary>
    public static JsonSerializerOptions WebIndented { get; } = Create(indented: true);

    /// <summary>A JSON node's UTF-8 text, as the serializer's defaults write it.</summary>
    /// <param name="node">The node.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Utf8(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = indented, TypeInfoResolver = ServerJsonContext.Default };
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>Generated metadata of the command line's types (see <see cref="ServerJson"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(BatchAggregate))]
[JsonSerializable(typeof(BatchComparison))]
[JsonSerializable(typeof(BatchStatusDocument))]
[JsonSerializable(typeof(DryRunPlan))]
[JsonSerializable(typeof(Links))]
[JsonSerializable(typeof(ApiProblem))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;
