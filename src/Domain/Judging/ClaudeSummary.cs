using System.Text.Json.Serialization;

namespace Orchestration.Domain.Judging;

/// <summary>The last line of <c>claude -p --output-format stream-json</c>: the run's summary.</summary>
/// <remarks>Member names are snake_case exactly as Claude Code writes them, so the runner can copy
/// the line into <c>result.json</c> unchanged; members this type does not know are ignored.</remarks>
public sealed record ClaudeSummary
{
    /// <summary><c>success</c>, <c>error_max_turns</c>, <c>error_max_budget_usd</c>,
    /// <c>error_during_execution</c>, ...</summary>
    [JsonPropertyName("subtype")]
    public string? Subtype { get; init; }

    /// <summary>True when Claude Code reports the run as an error (API errors arrive this way).</summary>
    [JsonPropertyName("is_error")]
    public bool IsError { get; init; }

    /// <summary>Turns taken.</summary>
    [JsonPropertyName("num_turns")]
    public int? NumTurns { get; init; }

    /// <summary>What the run cost in API usage, in US dollars.</summary>
    [JsonPropertyName("total_cost_usd")]
    public decimal? TotalCostUsd { get; init; }

    /// <summary>Token usage.</summary>
    [JsonPropertyName("usage")]
    public ClaudeUsage? Usage { get; init; }

    /// <summary>The Claude Code session id.</summary>
    [JsonPropertyName("session_id")]
    public string? SessionId { get; init; }

    /// <summary>The final text: the answer, or the error message when <see cref="IsError"/>.</summary>
    [JsonPropertyName("result")]
    public string? Result { get; init; }

    /// <summary>The details of an <c>error_*</c> subtype (those lines carry no <see cref="Result"/>); null when absent.</summary>
    [JsonPropertyName("errors")]
    [JsonConverter(typeof(ClaudeErrorsJsonConverter))]
    public IReadOnlyList<string>? Errors { get; init; }
}
