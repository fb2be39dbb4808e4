using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestration.Domain.Documents;

/// <summary>One flag rule: exactly one of <see cref="Contains"/>, <see cref="Regex"/>,
/// <see cref="VerdictFile"/>, or <see cref="JsonPath"/> with <see cref="EqualTo"/>.</summary>
public sealed record FlagRule
{
    /// <summary>Case-insensitive substring of the response.</summary>
    public string? Contains { get; init; }

    /// <summary>A non-backtracking regular expression over the response.</summary>
    public string? Regex { get; init; }

    /// <summary>A file under <c>/workspace/output</c> holding <c>{"flagged": true}</c>.</summary>
    public string? VerdictFile { get; init; }

    /// <summary>A path such as <c>$.verdict.flagged</c> into a JSON document.</summary>
    public string? JsonPath { get; init; }

    /// <summary>The value <see cref="JsonPath"/> must equal for the run to be flagged.</summary>
    [JsonPropertyName("equals")]
    public JsonElement? EqualTo { get; init; }

    /// <summary>The output file <see cref="JsonPath"/> reads (default: the text <see cref="Stream"/> names).</summary>
    public string? File { get; init; }

    /// <summary>The captured text a <see cref="Contains"/>, <see cref="Regex"/> or file-less <see cref="JsonPath"/>
    /// rule reads; <see cref="FlagStream.Response"/> when omitted.</summary>
    public FlagStream? Stream { get; init; }
}
