
namespace Orchestration.Adapters.Webhooks;

/// <summary>Headers a webhook carries; receivers verify <c>HMAC-SHA256(secret, timestamp + "." + body)</c>.</summary>
public static class WebhookHeaders
{
    /// <summary>Unix seconds when the delivery was signed; receivers should refuse old ones.</summary>
    public const string Timestamp = "X-Orchestration-Timestamp";

    /// <summary><c>v1=</c> and the lowercase hex HMAC-SHA256 of <c>{timestamp}.{body}</c>.</summary>
    public const string Signature = "X-Orchestration-Signature";

    /// <summary>The same for every delivery of one batch's notice, so receivers can drop repeats.</summary>
    public const string IdempotencyKey = "Idempotency-Key";
}
