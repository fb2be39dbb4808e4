using Orchestration.Domain.Documents;

namespace Orchestration.Domain.Specs;

/// <summary>The <c>spec.json</c> a task's runs read: everything the runner needs, written once per task
/// by PrepareBatch to <c>runs/{batchId}/{nonce}/{taskId}/spec.json</c>.</summary>
/// <remarks>The prompt and command live here, in the bucket, and never in orchestration data. Inputs are
/// pinned (git commit SHA, GCS generation), so every run and every attempt sees the same inputs.</remarks>
public sealed record RunSpec
{
    /// <summary>The runner contract version this spec was written for.</summary>
    public required string RunnerVersion { get; init; }

    /// <summary>The batch id.</summary>
    public required string BatchId { get; init; }

    /// <summary>The task id.</summary>
    public required string TaskId { get; init; }

    /// <summary>The task's ordinal in the batch.</summary>
    public required int TaskOrdinal { get; init; }

    /// <summary>Command or Claude.</summary>
    public required TaskKind Kind { get; init; }

    /// <summary>The shell command (command tasks); run from a script file, never as one argument.</summary>
    public string? Command { get; init; }

    /// <summary>The prompt (Claude tasks); fed on stdin.</summary>
    public string? Prompt { get; init; }

    /// <summary>Run before the main command, in the same workspace.</summary>
    public string? PreCommand { get; init; }

    /// <summary>Run after the main command, in the same workspace.</summary>
    public string? PostCommand { get; init; }

    /// <summary>Claude settings (Claude tasks).</summary>
    public ClaudeSpec? Claude { get; init; }

    /// <summary>The work's time limit (preCommand + command or Claude + postCommand); setup and uploads
    /// have their own time on top of it (<see cref="AttemptTimeLimits"/>).</summary>
    public required int TimeoutSeconds { get; init; }

    /// <summary>Pinned inputs, placed under <c>/workspace/input/{name}</c>.</summary>
    public required IReadOnlyList<SpecInput> Inputs { get; init; }

    /// <summary>Non-secret environment for the work.</summary>
    public required IReadOnlyDictionary<string, string> Env { get; init; }

    /// <summary>Files under <c>/workspace/output</c> that flag rules read; the runner copies them (capped)
    /// into <c>result.json</c>.</summary>
    public required IReadOnlyList<string> FlagFiles { get; init; }

    /// <summary>Output caps and the setup allowance.</summary>
    public required SpecLimits Limits { get; init; }
}
