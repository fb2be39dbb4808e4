using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestration.Durable;

namespace Orchestration.Engine;

/// <summary>Failure details as stored in history and instance rows.</summary>
/// <remarks>Engine metadata, not user payload, so it uses fixed options (the web defaults) rather than the
/// product's, with source-generated metadata (no reflection).</remarks>
internal static class FailureJson
{
    public static string Serialize(TaskFailureDetails details) => JsonSerializer.Serialize(details, FailureJsonContext.Default.TaskFailureDetails);

    public static TaskFailureDetails? Deserialize(string? json)
        => json is null ? null : JsonSerializer.Deserialize(json, FailureJsonContext.Default.TaskFailureDetails);
}

/// <summary>Metadata of <see cref="TaskFailureDetails"/> with the web defaults.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TaskFailureDetails))]
internal sealed partial class FailureJsonContext : JsonSerializerContext;
