using System.ComponentModel.DataAnnotations;

namespace Orchestration.Adapters.Google;

/// <summary>Retry and timeout settings of the Google clients, Cloud Run REST and Cloud Storage (section <c>Google:Http</c>).</summary>
/// <remarks>
/// Retries apply only to idempotent or precondition-guarded calls (408, 429, 5xx, timeouts,
/// connection failures), with exponential backoff, honouring <c>Retry-After</c>. For Cloud Storage the
/// delays and attempts also configure Google.Cloud.Storage.V1's own retry options (see the Google README).
/// </remarks>
public sealed class GoogleHttpOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Google:Http";

    /// <summary>Retries after the first attempt.</summary>
    [Range(0, 20)]
    public int MaxRetryAttempts { get; set; } = 6;

    /// <summary>First backoff delay.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest backoff delay.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(32);

    /// <summary>Time limit of one attempt (until the response headers).</summary>
    /// <remarks>A server that hangs costs one attempt timeout, then the call is retried if it is safe.</remarks>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time limit of a call including all retries and their delays.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);
}
