using System.Text.Json;
using Orchestration.Durable;

namespace Orchestration.Engine;

/// <summary>Failure details as stored in history and instance rows.</summary>
/// <remarks>Engine metadata, not user payload, so it uses fixed options rather than the product's.</remarks>
internal static class FailureJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Serialize(TaskFailureDetails details) => JsonSerializer.Serialize(details, Options);

    public static TaskFailureDetails? Deserialize(string? json)
        => json is null ? null : JsonSerializer.Deserialize<TaskFailureDetails>(json, Options);
}
