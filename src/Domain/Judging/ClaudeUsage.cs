using System.Text.Json.Serialization;

namespace Orchestration.Domain.Judging;

/// <summary>Token usage from Claude Code's stream-json summary (snake_case as Claude emits it).</summary>
/// <remarks>Other usage members (server tool use, service tier, cache breakdown) are ignored.</remarks>
public sealed record ClaudeUsage
{
    /// <summary>Uncached input tokens.</summary>
    [JsonPropertyName("input_tokens")]
    public long InputTokens { get; init; }

    /// <summary>Output tokens.</summary>
    [JsonPropertyName("output_tokens")]
    public long OutputTokens { get; init; }

    /// <summary>Input tokens written to the prompt cache.</summary>
    [JsonPropertyName("cache_creation_input_tokens")]
    public long CacheCreationInputTokens { get; init; }

    /// <summary>Input tokens read from the prompt cache.</summary>
    [JsonPropertyName("cache_read_input_tokens")]
    public long CacheReadInputTokens { get; init; }
}
