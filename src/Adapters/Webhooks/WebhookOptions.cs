using System.ComponentModel.DataAnnotations;
using Orchestration.Domain.Validation;

namespace Orchestration.Adapters.Webhooks;

/// <summary>How batch webhooks are sent.</summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Webhooks";

    /// <summary>The name of the HTTP client (IHttpClientFactory) with the address guard.</summary>
    public const string HttpClientName = "webhooks";

    /// <summary>The HMAC-SHA256 key the signature header is computed with; webhooks are not sent without it.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>Local mode: allow loopback receivers (the standalone host on a laptop).</summary>
    public bool AllowLoopback { get; set; }

    /// <summary>Attempts per delivery.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Time limit of one attempt.</summary>
    [TimeSpanRange("00:00:01", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before the second attempt; doubled each time.</summary>
    [TimeSpanRange("00:00:00", "00:05:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);
}
