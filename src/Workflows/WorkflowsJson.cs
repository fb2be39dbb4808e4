using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestration.Activities;
using Orchestration.Activities.Contracts;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Workflows.Purge;

namespace Orchestration.Workflows;

/// <summary>The JSON options of the workflows and of every durable payload: <see cref="BatchJson"/>'s settings over
/// generated metadata of the orchestrators' inputs, outputs, events and custom statuses and of the activities' types.</summary>
/// <remarks>A host's durable data converter uses <see cref="Options"/>, so every payload is written and read the same
/// way whether the host is compiled natively (reflection disabled) or not.</remarks>
public static class WorkflowsJson
{
    /// <summary>Options for durable payloads and the batch service's reads.</summary>
    public static JsonSerializerOptions Options { get; } = BatchJson.Create(WorkflowsJsonContext.Default, ActivitiesJson.Resolver);
}

/// <summary>Generated metadata of the orchestrators' payloads (see <see cref="WorkflowsJson"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(BatchInput))]
[JsonSerializable(typeof(BatchSummary))]
[JsonSerializable(typeof(BatchProgress))]
[JsonSerializable(typeof(ChunkInput))]
[JsonSerializable(typeof(ChunkProgress))]
[JsonSerializable(typeof(ProgressCounts))]
[JsonSerializable(typeof(RunInput))]
[JsonSerializable(typeof(RunSummary))]
[JsonSerializable(typeof(PurgeInput))]
[JsonSerializable(typeof(PurgeSummary))]
[JsonSerializable(typeof(PurgeStepInput))]
[JsonSerializable(typeof(PurgeCleanupInput))]
[JsonSerializable(typeof(RejudgeInput))]
[JsonSerializable(typeof(RejudgeChunkSummary))]
[JsonSerializable(typeof(PackRequest))]
[JsonSerializable(typeof(PackStart))]
[JsonSerializable(typeof(FaultNotice))]
[JsonSerializable(typeof(BatchAggregate))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
internal sealed partial class WorkflowsJsonContext : JsonSerializerContext;
