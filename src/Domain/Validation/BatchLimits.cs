using System.ComponentModel.DataAnnotations;

namespace Orchestration.Domain.Validation;

/// <summary>The limits a batch document must respect; hosts bind them from settings.</summary>
/// <remarks>Defaults follow DESIGN section 4: they keep one batch within what one orchestration, one
/// GCS bucket prefix and Cloud Run's quotas can carry comfortably.</remarks>
// Settable rather than init-only: hosts bind these from settings into an existing instance, which a native
// build's configuration binder does for settable members only.
public sealed record BatchLimits
{
    /// <summary>Tasks per batch.</summary>
    [Range(1, int.MaxValue)]
    public int MaxTasks { get; set; } = 200;

    /// <summary>Runs per task (<c>n</c>).</summary>
    [Range(1, int.MaxValue)]
    public int MaxRunsPerTask { get; set; } = 1_000;

    /// <summary>Runs per batch (sum of <c>n</c>).</summary>
    [Range(1, int.MaxValue)]
    public int MaxRunsPerBatch { get; set; } = 10_000;

    /// <summary>Upper bound of <c>maxParallelRuns</c> (Cloud Run runs at most 1,000 executions per region).</summary>
    [Range(1, int.MaxValue)]
    public int MaxParallelRuns { get; set; } = 1_000;

    /// <summary>UTF-8 bytes of a command, prompt, system prompt, pre- or post-command.</summary>
    [Range(1, int.MaxValue)]
    public int MaxTextBytes { get; set; } = 256 * 1024;

    /// <summary>Decoded bytes of one inline (<c>text</c> or <c>base64</c>) input.</summary>
    [Range(1, int.MaxValue)]
    public int MaxInlineInputBytes { get; set; } = 1024 * 1024;

    /// <summary>Decoded bytes of all inline inputs of the document.</summary>
    [Range(1, int.MaxValue)]
    public int MaxInlineTotalBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>Upper bound of <c>timeoutSeconds</c> (24 hours).</summary>
    [Range(1, int.MaxValue)]
    public int MaxTimeoutSeconds { get; set; } = 24 * 60 * 60;

    /// <summary>Upper bound of <c>maxAttempts</c>.</summary>
    [Range(1, int.MaxValue)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Upper bound of Claude's <c>maxTurns</c>.</summary>
    [Range(1, int.MaxValue)]
    public int MaxTurns { get; set; } = 10_000;

    /// <summary>Characters of a flag rule's regular expression.</summary>
    [Range(1, int.MaxValue)]
    public int MaxRegexLength { get; set; } = 1_000;

    /// <summary>Characters of a <c>contains</c> rule.</summary>
    [Range(1, int.MaxValue)]
    public int MaxContainsLength { get; set; } = 4_096;

    /// <summary>Number of labels on the batch or one task.</summary>
    [Range(1, int.MaxValue)]
    public int MaxLabels { get; set; } = 32;

    /// <summary>Characters of one label value.</summary>
    [Range(1, int.MaxValue)]
    public int MaxLabelValueLength { get; set; } = 256;

    /// <summary>Variables in one profile's <c>env</c>.</summary>
    [Range(1, int.MaxValue)]
    public int MaxEnvVariables { get; set; } = 100;

    /// <summary>Bytes of one environment value (Cloud Run allows 32,768).</summary>
    [Range(1, int.MaxValue)]
    public int MaxEnvValueBytes { get; set; } = 32_768;

    /// <summary>Whether a webhook may use http to a loopback address (the standalone host's local mode).</summary>
    public bool AllowHttpLoopbackWebhook { get; set; }

    /// <summary>Whether <c>path</c> inputs are accepted (local mode, or a host with a configured root).</summary>
    public bool AllowPathInputs { get; set; } = true;

    /// <summary>Env names that look secret but are plain settings (matched whole, case-insensitively).</summary>
    public IReadOnlyList<string> AllowedSecretLookingEnvNames { get; set; } =
        ["MAX_THINKING_TOKENS", "CLAUDE_CODE_MAX_OUTPUT_TOKENS", "MAX_MCP_OUTPUT_TOKENS"];
}
