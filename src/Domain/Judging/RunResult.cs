using System.Text.Json.Serialization;

namespace Orchestration.Domain.Judging;

/// <summary>The runner's <c>result.json</c> for one attempt.</summary>
/// <remarks>The runner uploads it last, so its presence means the attempt's other objects exist (except
/// <c>output.tar.gz</c> after a SIGTERM, which follows it as Cloud Run's 10 s allow: runner/README.md).
/// Top-level members are camelCase; the Claude summary keeps Claude's own snake_case.</remarks>
public sealed record RunResult
{
    /// <summary>The exit code of the command or of <c>claude</c>; when a failing preCommand kept it from
    /// running, the preCommand's; null when nothing ran.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The preCommand's exit code; null when the task has none or it never ended.</summary>
    public int? PreCommandExitCode { get; init; }

    /// <summary>The postCommand's exit code; null when the task has none or it never ended.</summary>
    public int? PostCommandExitCode { get; init; }

    /// <summary>The time limit the work ran under, in seconds: the task's <c>timeoutSeconds</c>, or less
    /// when the setup outlasted its allowance (<see cref="Specs.AttemptTimeLimits"/>); null from a runner
    /// that does not report it.</summary>
    public int? WorkLimitSeconds { get; init; }

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
