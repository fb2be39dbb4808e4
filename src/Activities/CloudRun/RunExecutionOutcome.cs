using System.Text.Json.Serialization;
using Orchestration.Domain;

namespace Orchestration.Activities.CloudRun;

/// <summary>Whether a start request created an execution.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<RunExecutionOutcome>))]
public enum RunExecutionOutcome
{
    /// <summary>Cloud Run accepted the run; the execution name is known.</summary>
    Started,

    /// <summary>The start was refused for rate (429 / RESOURCE_EXHAUSTED, or the local token bucket): wait and try again without spending an attempt.</summary>
    Throttled,
}
