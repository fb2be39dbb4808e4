using System.Text.Json.Serialization;

namespace Orchestration.Domain.Documents;

/// <summary>Which captured text a <c>contains</c>, <c>regex</c> or file-less <c>jsonPath</c> rule reads.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<FlagStream>))]
public enum FlagStream
{
    /// <summary><c>response.txt</c>: Claude's final result text, or the main command's stdout (the default).</summary>
    Response,

    /// <summary><c>stdout.txt</c>: stdout of preCommand, the command and postCommand (for Claude: pre and post only).</summary>
    Stdout,

    /// <summary><c>stderr.txt</c>: stderr of preCommand, the command or Claude, postCommand, and the runner's notes.</summary>
    Stderr,
}
