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

    /// <summary>Reads stored failure details; details that cannot be read (a damaged file, a record of another
    /// version) read as an <c>Unknown</c> failure saying so, rather than an exception that would fail the engine's
    /// whole round and stall every instance in it.</summary>
    public static TaskFailureDetails? Deserialize(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, FailureJsonContext.Default.TaskFailureDetails);
        }
        catch (JsonException ex)
        {
            return new TaskFailureDetails("Unknown", $"The failure's stored details could not be read: {ex.Message}", null, null);
        }
    }
}

/// <summary>Metadata of <see cref="TaskFailureDetails"/> with the web defaults.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TaskFailureDetails))]
internal sealed partial class FailureJsonContext : JsonSerializerContext;
