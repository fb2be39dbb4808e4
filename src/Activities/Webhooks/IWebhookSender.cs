namespace Orchestration.Activities.Webhooks;

/// <summary>Delivers a batch's completion notice to its receiver (port; the HTTP sender is an adapter).</summary>
public interface IWebhookSender
{
    /// <summary>Delivers a notice; a delivery failure is an outcome, not an exception, because a webhook
    /// never fails a batch.</summary>
    /// <param name="url">The receiver's URL.</param>
    /// <param name="idempotencyKey">One key per batch notice, the same on every delivery of it.</param>
    /// <param name="body">The JSON body.</param>
    /// <param name="cancellationToken">Cancels the delivery.</param>
    /// <returns>What happened.</returns>
    Task<WebhookDelivery> SendAsync(Uri url, string idempotencyKey, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default);
}
