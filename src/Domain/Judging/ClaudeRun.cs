namespace Orchestration.Domain.Judging;

/// <summary>What <c>result.json</c> records about a Claude run.</summary>
/// <param name="Version">The Claude Code CLI version.</param>
/// <param name="Model">The model the run used.</param>
/// <param name="Summary">The stream-json summary; null when Claude Code wrote none (it crashed or never started).</param>
public sealed record ClaudeRun(string? Version, string? Model, ClaudeSummary? Summary);
