using System.Text.Json;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Webhooks;
using Orchestration.Domain;

namespace Orchestration.Activities.Steps;

/// <summary>Posts the batch's completion notice to its webhook; never fails the batch.</summary>
/// <remarks>At-least-once: every delivery of one batch's notice carries the same idempotency key
/// (<c>{batchId}:{nonce}</c>), so receivers can drop repeats.</remarks>
/// <param name="catalog">Stored batches (the webhook URL lives there, not in orchestration data).</param>
/// <param name="sender">The webhook sender.</param>
public sealed class NotifyWebhook(BatchCatalog catalog, IWebhookSender sender) : IActivity<NotifyWebhookInput, bool>
{
    /// <inheritdoc />
    public async Task<bool> RunAsync(NotifyWebhookInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (stored, batch) = await catalog.GetAsync(input.Summary.BatchId, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (batch.WebhookUrl is null || !Uri.TryCreate(batch.WebhookUrl, UriKind.Absolute, out var url))
        {
            return false;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(input.Summary, ActivitiesJson.Options.Info<BatchSummary>());
        var delivery = await sender.SendAsync(url, $"{stored.Id}:{stored.Nonce}", body, cancellationToken).ConfigureAwait(false);
        return delivery.Delivered;
    }
}
