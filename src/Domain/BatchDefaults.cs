using System.ComponentModel.DataAnnotations;

namespace Orchestration.Domain;

/// <summary>Values a normalised task takes when neither the task nor the batch defaults set them.</summary>
public sealed record BatchDefaults
{
    /// <summary>Runs per task.</summary>
    [Range(1, int.MaxValue)]
    public int N { get; init; } = 1;

    /// <summary>The time limit of one attempt's work.</summary>
    [Range(1, int.MaxValue)]
    public int TimeoutSeconds { get; init; } = 3_600;

    /// <summary>Attempts per run.</summary>
    [Range(1, int.MaxValue)]
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Runs in flight at once.</summary>
    [Range(1, int.MaxValue)]
    public int MaxParallelRuns { get; init; } = 50;

    /// <summary>The runner image.</summary>
    [Required]
    public string Image { get; init; } = "orchestration-runner:latest";

    /// <summary>Cloud Run vCPU.</summary>
    [Required]
    public string Cpu { get; init; } = "1";

    /// <summary>Cloud Run memory.</summary>
    [Required]
    public string Memory { get; init; } = "2Gi";

    /// <summary>The Claude model pinned when a Claude task names none.</summary>
    [Required]
    public string ClaudeModel { get; init; } = "claude-sonnet-4-5";
}
