using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestration.Adapters.LocalRunner;

/// <summary>Generated metadata of the local runner's state files (<see cref="LocalStateFiles"/>).</summary>
/// <remarks>Metadata only: <see cref="LocalStateFiles"/>' options (the web defaults, indented) shape the bytes, as
/// reflection did, so files written before read the same and hosts of the previous version read the new ones.</remarks>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(LocalJobRecord))]
[JsonSerializable(typeof(LocalExecutionRecord))]
[JsonSerializable(typeof(LocalOutcomeRecord))]
internal sealed partial class LocalStateJsonContext : JsonSerializerContext;
