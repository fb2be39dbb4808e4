using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestration.Activities.Contracts;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Specs;

namespace Orchestration.Activities;

/// <summary>The JSON options of the activities: <see cref="BatchJson"/>'s settings over generated metadata of every
/// type they read, write or exchange with an orchestrator.</summary>
public static class ActivitiesJson
{
    /// <summary>Options for documents, stored results and the activities' inputs and outputs.</summary>
    public static JsonSerializerOptions Options { get; } = BatchJson.Create(ActivitiesJsonContext.Default);

    /// <summary>The activities' generated metadata, for a host that chains it into its own options.</summary>
    public static System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver Resolver => ActivitiesJsonContext.Default;

    /// <summary>Serializer defaults (no naming policy, nulls written) over the same metadata: batch labels.</summary>
    internal static JsonSerializerOptions Plain { get; } = CreatePlain();

    private static JsonSerializerOptions CreatePlain()
    {
        var options = new JsonSerializerOptions { TypeInfoResolver = ActivitiesJsonContext.Default };
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>Generated metadata of the activities' own types and the domain types they carry (see <see cref="ActivitiesJson"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(BatchAggregate))]
[JsonSerializable(typeof(RunSpec))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(PrepareBatchInput))]
[JsonSerializable(typeof(BatchPlan))]
[JsonSerializable(typeof(PrepareRerunInput))]
[JsonSerializable(typeof(RerunPlan))]
[JsonSerializable(typeof(StartRunInput))]
[JsonSerializable(typeof(StartPackInput))]
[JsonSerializable(typeof(StartRunResult))]
[JsonSerializable(typeof(CheckRunInput))]
[JsonSerializable(typeof(CheckRunResult))]
[JsonSerializable(typeof(CancelRunInput))]
[JsonSerializable(typeof(CollectResultInput))]
[JsonSerializable(typeof(RunSummary))]
[JsonSerializable(typeof(PersistAggregateInput))]
[JsonSerializable(typeof(BatchSummary))]
[JsonSerializable(typeof(NotifyWebhookInput))]
[JsonSerializable(typeof(RejudgeChunkInput))]
[JsonSerializable(typeof(RejudgeChunkSummary))]
[JsonSerializable(typeof(PersistRejudgeInput))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
internal sealed partial class ActivitiesJsonContext : JsonSerializerContext;
