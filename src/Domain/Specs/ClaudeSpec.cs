namespace Orchestration.Domain.Specs;

/// <summary>How the runner calls Claude Code.</summary>
/// <param name="Model">The pinned model.</param>
/// <param name="MaxTurns">The turn limit (<c>--max-turns</c>), if any.</param>
/// <param name="SystemPrompt">Replaces the system prompt (<c>--system-prompt</c>).</param>
/// <param name="AppendSystemPrompt">Appended to it (<c>--append-system-prompt</c>).</param>
/// <param name="AllowedTools">Pre-approved tools, passed comma-joined as one value.</param>
/// <param name="DisallowedTools">Refused tools, passed comma-joined as one value.</param>
/// <param name="MaxBudgetUsd">The spending limit (<c>--max-budget-usd</c>), if any.</param>
public sealed record ClaudeSpec(
    string Model,
    int? MaxTurns,
    string? SystemPrompt,
    string? AppendSystemPrompt,
    IReadOnlyList<string> AllowedTools,
    IReadOnlyList<string> DisallowedTools,
    decimal? MaxBudgetUsd);
