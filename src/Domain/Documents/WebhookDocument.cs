namespace Orchestration.Domain.Documents;

/// <summary>A webhook called once when the batch ends.</summary>
public sealed record WebhookDocument
{
    /// <summary>The absolute https URL (http to loopback only where the validation options allow it).</summary>
    public string? Url { get; init; }
}
