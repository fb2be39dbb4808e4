using System.ComponentModel.DataAnnotations;

namespace Orchestration.Domain;

/// <summary>Values a normalised task takes when neither the task nor the batch defaults set them.</summary>
// Settable rather than init-only: hosts bind these from settings into an existing instance, which a native
// build's configuration binder does for settable members only.
public sealed record BatchDefaults
{
    /// <summary>Runs per task.</summary>
    [Range(1, int.MaxValue)]
    public int N { get; set; } = 1;

    /// <summary>The time limit of one attempt's work.</summary>
    [Range(1, int.MaxValue)]
    public int TimeoutSeconds { get; set; } = 3_600;

    /// <summary>Attempts per run.</summary>
    [Range(1, int.MaxValue)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Runs in flight at once.</summary>
    [Range(1, int.MaxValue)]
    public int MaxParallelRuns { get; set; } = 50;

    /// <summary>The runner image.</summary>
    [Required]
    public string Image { get; set; } = "orchestration-runner:latest";

    /// <summary>Cloud Run vCPU.</summary>
    [Required]
    public string Cpu { get; set; } = "1";

    /// <summary>Cloud Run memory.</summary>
    [Required]
    public string Memory { get; set; } = "2Gi";

    /// <summary>The Claude model pinned when a Claude task names none.</summary>
    [Required]
    public string ClaudeModel { get; set; } = "claude-sonnet-4-5";
}
