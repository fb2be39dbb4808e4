using System.Text.Json.Serialization;

namespace Orchestration.Domain.Judging;

/// <summary>A failure that will repeat for every run of the batch, not just this one.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<BatchFaultKind>))]
public enum BatchFaultKind
{
    /// <summary>The Anthropic credentials are missing, invalid or expired.</summary>
    Authentication,

    /// <summary>The Anthropic account cannot pay for more requests.</summary>
    Billing,
}
