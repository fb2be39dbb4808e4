using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestration.Activities.Webhooks;

namespace Orchestration.Adapters.Webhooks;

/// <summary>Sends a signed webhook through the guarded, retrying HTTP client; never throws for a
/// delivery failure, because a webhook never fails a batch.</summary>
/// <param name="clients">The HTTP client factory (client <see cref="WebhookOptions.HttpClientName"/>).</param>
/// <param name="options">Webhook options.</param>
/// <param name="time">The clock for the timestamp.</param>
/// <param name="logger">Logs outcomes, never bodies or secrets.</param>
public sealed class WebhookSender(IHttpClientFactory clients, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookSender> logger) : IWebhookSender
{
    /// <inheritdoc />
    /// <remarks>The URL was validated at submit and is checked again here.</remarks>
    public async Task<WebhookDelivery> SendAsync(Uri url, string idempotencyKey, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        var settings = options.Value;
        var httpLoopback = url.Scheme == Uri.UriSchemeHttp && url.IsLoopback && settings.AllowLoopback;
        if (url.Scheme != Uri.UriSchemeHttps && !httpLoopback)
        {
            return Refused(url, "Webhooks use https.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(WebhookHeaders.IdempotencyKey, idempotencyKey);
        if (settings.SigningSecret is { Length: > 0 } secret)
        {
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            request.Headers.TryAddWithoutValidation(WebhookHeaders.Timestamp, timestamp);
            request.Headers.TryAddWithoutValidation(WebhookHeaders.Signature, "v1=" + Sign(secret, timestamp, body.Span));
        }

        try
        {
            using var response = await clients.CreateClient(WebhookOptions.HttpClientName).SendAsync(request, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var delivered = response.IsSuccessStatusCode;
            Logs.WebhookAnswered(logger, url.Host, status, delivered);
            return new WebhookDelivery(delivered, status, delivered ? null : $"The receiver answered {status}.");
        }
        catch (HttpRequestException ex) when (ex.InnerException is WebhookRefusedException refused)
        {
            return Refused(url, refused.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            Logs.WebhookFailed(logger, url.Host, ex.GetType().Name);
            return new WebhookDelivery(false, null, $"No answer from the receiver ({ex.GetType().Name}).");
        }
    }

    /// <summary>The signature of a body at a timestamp, as receivers recompute it.</summary>
    /// <param name="secret">The shared secret.</param>
    /// <param name="timestamp">Unix seconds, as sent.</param>
    /// <param name="body">The body bytes, as sent.</param>
    /// <returns>Lowercase hex HMAC-SHA256.</returns>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(timestamp);
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    private WebhookDelivery Refused(Uri url, string reason)
    {
        Logs.WebhookRefused(logger, url.Host, reason);
        return new WebhookDelivery(false, null, reason);
    }
}
