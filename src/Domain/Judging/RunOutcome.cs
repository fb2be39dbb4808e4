using System.Text.Json.Serialization;

namespace Orchestration.Domain.Judging;

/// <summary>How one run ended, as counted in the aggregate.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<RunOutcome>))]
public enum RunOutcome
{
    /// <summary>The run ran and met its pass rule.</summary>
    Passed,

    /// <summary>The run ran and did not meet its pass rule (including Claude's turn and budget limits).</summary>
    Failed,

    /// <summary>Infrastructure failure: the run could not be judged after all its attempts.</summary>
    Errored,

    /// <summary>The run passed its time limit.</summary>
    TimedOut,

    /// <summary>The run was cancelled, or never launched before the batch ended.</summary>
    Cancelled,
}
