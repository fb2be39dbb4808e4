namespace Orchestration.Activities.Webhooks;

/// <summary>What became of a webhook.</summary>
/// <param name="Delivered">The receiver answered 2xx.</param>
/// <param name="StatusCode">The last HTTP status, if any answer came.</param>
/// <param name="Error">Why it was not delivered.</param>
public sealed record WebhookDelivery(bool Delivered, int? StatusCode, string? Error);
