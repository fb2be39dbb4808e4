using Orchestration.Domain.Documents;

namespace Orchestration.Domain;

/// <summary>A normalised task: every default applied, so nothing downstream consults the batch defaults.</summary>
public sealed record BatchTask
{
    /// <summary>The task's index in the batch; instance ids use it instead of the id.</summary>
    public required int Ordinal { get; init; }

    /// <summary>The task id.</summary>
    public required string Id { get; init; }

    /// <summary>Command or Claude.</summary>
    public required TaskKind Kind { get; init; }

    /// <summary>Labels, sorted by key.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>The shell command (command tasks).</summary>
    public string? Command { get; init; }

    /// <summary>The prompt (Claude tasks).</summary>
    public string? Prompt { get; init; }

    /// <summary>Replaces Claude's system prompt.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Appended to Claude's system prompt.</summary>
    public string? AppendSystemPrompt { get; init; }

    /// <summary>The Claude model (Claude tasks; the configured default when omitted).</summary>
    public string? Model { get; init; }

    /// <summary>Claude's turn limit.</summary>
    public int? MaxTurns { get; init; }

    /// <summary>Tools Claude may use without asking.</summary>
    public required IReadOnlyList<string> AllowedTools { get; init; }

    /// <summary>Tools Claude may not use.</summary>
    public required IReadOnlyList<string> DisallowedTools { get; init; }

    /// <summary>A command run before the main one.</summary>
    public string? PreCommand { get; init; }

    /// <summary>A command run after the main one.</summary>
    public string? PostCommand { get; init; }

    /// <summary>Named inputs, sorted by name.</summary>
    public required IReadOnlyDictionary<string, InputSource> Inputs { get; init; }

    /// <summary>How many runs.</summary>
    public required int N { get; init; }

    /// <summary>The time limit of one attempt's work (preCommand + command or Claude + postCommand); setup and
    /// uploads have their own time on top (<see cref="Specs.AttemptTimeLimits"/>).</summary>
    public required int TimeoutSeconds { get; init; }

    /// <summary>Attempts per run for infrastructure failures.</summary>
    public required int MaxAttempts { get; init; }

    /// <summary>Claude's spending limit per run.</summary>
    public decimal? MaxBudgetUsd { get; init; }

    /// <summary>The container profile.</summary>
    public required Profile Profile { get; init; }

    /// <summary>Exit codes that pass a command run.</summary>
    public required IReadOnlyList<int> PassExitCodes { get; init; }

    /// <summary>Named flag rules, sorted by name (a single <c>flag</c> is named <c>flag</c>).</summary>
    public required IReadOnlyDictionary<string, FlagRule> Flags { get; init; }
}
