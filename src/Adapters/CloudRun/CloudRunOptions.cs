using System.ComponentModel.DataAnnotations;

namespace Orchestration.Adapters.CloudRun;

/// <summary>Settings of the Cloud Run Jobs adapter (section <c>Google:CloudRun</c>).</summary>
public sealed class CloudRunOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Google:CloudRun";

    /// <summary>Project id or number.</summary>
    [Required]
    public string Project { get; set; } = string.Empty;

    /// <summary>Region, e.g. <c>europe-west1</c>.</summary>
    [Required]
    public string Region { get; set; } = string.Empty;

    /// <summary>Admin API base URL (a loopback fake in tests).</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://run.googleapis.com");

    /// <summary>Name of the runner container in the job (targets the env overrides).</summary>
    [Required]
    public string ContainerName { get; set; } = "runner";

    /// <summary>Execution starts per minute this process allows itself (the project's job-run quota share).</summary>
    [Range(0.1, 100_000)]
    public double StartsPerMinute { get; set; } = 60;

    /// <summary>Starts allowed back to back before pacing applies.</summary>
    [Range(1, 10_000)]
    public int StartBurst { get; set; } = 5;

    /// <summary>Longest in-process wait for a start slot; beyond it a start is reported throttled.</summary>
    public TimeSpan MaxStartWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait suggested for a 429 that carries no Retry-After.</summary>
    public TimeSpan ThrottleRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Interval between polls of an operation or a job becoming Ready.</summary>
    public TimeSpan OperationPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait for a new job to become Ready.</summary>
    public TimeSpan JobReadyTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Value of the job's <c>client</c> field.</summary>
    public string ClientName { get; set; } = "orchestration";
}
