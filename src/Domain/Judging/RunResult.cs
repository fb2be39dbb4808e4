using System.Text.Json.Serialization;

namespace Orchestration.Domain.Judging;

/// <summary>The runner's <c>result.json</c> for one attempt.</summary>
/// <remarks>The runner uploads it last, so its presence means the attempt's other objects exist (except
/// <c>output.tar.gz</c> after a SIGTERM, which follows it as Cloud Run's 10 s allow: runner/README.md).
/// Top-level members are camelCase; the Claude summary keeps Claude's own snake_case.</remarks>
public sealed record RunResult
{
    /// <summary>The exit code of the command or of <c>claude</c>; null when it never ran.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Whether a time limit or a cancellation stopped the work.</summary>
    public Termination Termination { get; init; }

    /// <summary>When the work started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the work ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The runner's version.</summary>
    public string? RunnerVersion { get; init; }

    /// <summary>Standard output size and truncation.</summary>
    public OutputCapture? Stdout { get; init; }

    /// <summary>Standard error size and truncation.</summary>
    public OutputCapture? Stderr { get; init; }

    /// <summary>Response (<c>response.txt</c>) size and truncation.</summary>
    public OutputCapture? Response { get; init; }

    /// <summary>Output files named by flag rules (<c>verdictFile</c>, <c>file</c>), keyed by the path
    /// exactly as the rule writes it (relative to <c>/workspace/output</c>).</summary>
    public IReadOnlyDictionary<string, CopiedFile>? Files { get; init; }

    /// <summary>Claude runs only: version, model and summary.</summary>
    public ClaudeRun? Claude { get; init; }

    /// <summary>Seconds between <see cref="StartedAt"/> and <see cref="EndedAt"/>; null when either is missing.</summary>
    [JsonIgnore]
    public double? DurationSeconds =>
        StartedAt is { } start && EndedAt is { } end ? Math.Max(0, (end - start).TotalSeconds) : null;
}
