using System.Text.Json.Serialization;

namespace Orchestration.Domain.Documents;

/// <summary>What a task runs.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<TaskKind>))]
public enum TaskKind
{
    /// <summary>A shell command.</summary>
    Command,

    /// <summary>A Claude Code prompt.</summary>
    Claude,
}
