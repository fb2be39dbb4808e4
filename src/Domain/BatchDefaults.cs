namespace Orchestration.Domain;

/// <summary>Values a normalised task takes when neither the task nor the batch defaults set them.</summary>
public sealed record BatchDefaults
{
    /// <summary>Runs per task.</summary>
    public int N { get; init; } = 1;

    /// <summary>The time limit of one attempt's work.</summary>
    public int TimeoutSeconds { get; init; } = 3_600;

    /// <summary>Attempts per run.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Runs in flight at once.</summary>
    public int MaxParallelRuns { get; init; } = 50;

    /// <summary>The runner image.</summary>
    public string Image { get; init; } = "orchestration-runner:latest";

    /// <summary>Cloud Run vCPU.</summary>
    public string Cpu { get; init; } = "1";

    /// <summary>Cloud Run memory.</summary>
    public string Memory { get; init; } = "2Gi";

    /// <summary>The Claude model pinned when a Claude task names none.</summary>
    public string ClaudeModel { get; init; } = "claude-sonnet-4-5";
}
