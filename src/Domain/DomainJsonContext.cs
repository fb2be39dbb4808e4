using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestration.Domain.Documents;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Planning;
using Orchestration.Domain.Rejudging;
using Orchestration.Domain.Rerunning;

namespace Orchestration.Domain;

/// <summary>Generated metadata of the types the domain itself reads and writes (and every type they hold).</summary>
/// <remarks>Metadata only: the settings that shape the bytes are <see cref="BatchJson"/>'s, applied at run time as
/// reflection applied them, so the bytes do not depend on which of the two produced the metadata.</remarks>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(BatchDocument))]
[JsonSerializable(typeof(Batch))]
[JsonSerializable(typeof(RunResult))]
[JsonSerializable(typeof(JobKey))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, InputSource>))]
[JsonSerializable(typeof(RejudgeChunk))]
[JsonSerializable(typeof(VersionRequest))]
internal sealed partial class DomainJsonContext : JsonSerializerContext;
