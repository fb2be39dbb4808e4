using System.Text.Json;

namespace Orchestration.Domain.Judging;

/// <summary>Reads the runner's <c>result.json</c>.</summary>
/// <remarks>Unlike batch documents, unknown members are skipped: a newer runner may add fields, and
/// the Claude summary carries many members the judge does not need.</remarks>
public static class RunResultJson
{
    /// <summary>Options for reading and writing <c>result.json</c>.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Parses <paramref name="json"/>.</summary>
    /// <param name="json">The content of <c>result.json</c>.</param>
    /// <param name="result">The parsed result, when the content is valid.</param>
    /// <param name="error">Why the content is not valid, otherwise.</param>
    /// <returns>True when parsed.</returns>
    /// <remarks>A malformed file is an expected outcome (a runner killed mid-upload), so it is reported,
    /// not thrown; the workflow treats it as an infrastructure failure of the attempt.</remarks>
    public static bool TryParse(string json, out RunResult? result, out string? error)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            result = JsonSerializer.Deserialize(json, Options.Info<RunResult>());
            error = result is null ? "result.json holds null" : null;
            return result is not null;
        }
        catch (JsonException ex)
        {
            result = null;
            error = $"result.json is not valid: {ex.Message}";
            return false;
        }
    }

    /// <summary>Writes <paramref name="result"/> as <c>result.json</c> content.</summary>
    /// <param name="result">The result.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(RunResult result) => JsonSerializer.Serialize(result, Options.Info<RunResult>());

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(BatchJson.Options)
        {
            UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip,
            AllowDuplicateProperties = true,
        };
        options.MakeReadOnly();
        return options;
    }
}
