using System.Text.Json;

namespace Orchestration.Domain.Rejudging;

/// <summary>A rejudge as stored for its workflow: the request as sent, and the rules read from it.</summary>
/// <param name="Request">The body as sent (what the version reports as its rules).</param>
/// <param name="Tasks">The rules by task id.</param>
public sealed record RejudgeRequest(JsonElement Request, IReadOnlyDictionary<string, TaskRules> Tasks)
{
    /// <summary>The stored form (UTF-8 JSON).</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, BatchJson.Options);

    /// <summary>Reads the stored form.</summary>
    /// <param name="utf8Json">The bytes.</param>
    /// <returns>The request.</returns>
    public static RejudgeRequest Parse(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize<RejudgeRequest>(utf8Json, BatchJson.Options) ?? throw new JsonException("A stored rejudge is null.");
}
