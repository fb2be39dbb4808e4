namespace Orchestration.Domain.Documents;

/// <summary>One task of a batch document, or the batch's defaults.</summary>
public sealed record TaskDocument
{
    /// <summary>The task id, unique in the batch.</summary>
    public string? Id { get; init; }

    /// <summary>Free-form labels copied into run rows.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>The task kind; inferred from <see cref="Command"/> or <see cref="Prompt"/> when omitted.</summary>
    public TaskKind? Kind { get; init; }

    /// <summary>The shell command of a command task.</summary>
    public string? Command { get; init; }

    /// <summary>The prompt of a Claude task.</summary>
    public string? Prompt { get; init; }

    /// <summary>Replaces Claude's system prompt.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Appended to Claude's system prompt.</summary>
    public string? AppendSystemPrompt { get; init; }

    /// <summary>The Claude model.</summary>
    public string? Model { get; init; }

    /// <summary>Claude's turn limit.</summary>
    public int? MaxTurns { get; init; }

    /// <summary>Tools Claude may use without asking.</summary>
    public IReadOnlyList<string>? AllowedTools { get; init; }

    /// <summary>Tools Claude may not use.</summary>
    public IReadOnlyList<string>? DisallowedTools { get; init; }

    /// <summary>A command run before the main one.</summary>
    public string? PreCommand { get; init; }

    /// <summary>A command run after the main one.</summary>
    public string? PostCommand { get; init; }

    /// <summary>Named inputs placed under <c>/workspace/input/{name}</c>.</summary>
    public IReadOnlyDictionary<string, InputSource>? Inputs { get; init; }

    /// <summary>How many times the task runs.</summary>
    public int? N { get; init; }

    /// <summary>The time limit of one attempt's work (preCommand + command or Claude + postCommand); setup and
    /// uploads have their own time on top.</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>Attempts per run for infrastructure failures.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>Claude's spending limit per run.</summary>
    public decimal? MaxBudgetUsd { get; init; }

    /// <summary>The container profile.</summary>
    public ProfileDocument? Profile { get; init; }

    /// <summary>When a command run passes.</summary>
    public PassRule? Pass { get; init; }

    /// <summary>A single flag rule, named <c>flag</c>.</summary>
    public FlagRule? Flag { get; init; }

    /// <summary>Named flag rules.</summary>
    public IReadOnlyDictionary<string, FlagRule>? Flags { get; init; }
}
