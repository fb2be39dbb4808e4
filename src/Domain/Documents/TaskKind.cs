namespace Orchestration.Domain.Documents;

/// <summary>What a task runs.</summary>
public enum TaskKind
{
    /// <summary>A shell command.</summary>
    Command,

    /// <summary>A Claude Code prompt.</summary>
    Claude,
}
