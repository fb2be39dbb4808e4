using System.Text.Json.Serialization;

namespace Orchestration.Domain.Judging;

/// <summary>Why the runner stopped the work early, as written in <c>result.json</c>.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<Termination>))]
public enum Termination
{
    /// <summary>The work ran to its end.</summary>
    None,

    /// <summary>The runner's time limit stopped the work.</summary>
    Timeout,

    /// <summary>A cancellation (SIGTERM) stopped the work.</summary>
    Cancel,
}
