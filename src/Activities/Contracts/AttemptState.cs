using System.Text.Json.Serialization;
using Orchestration.Domain;

namespace Orchestration.Activities.Contracts;

/// <summary>Where an attempt stands, as CheckRun sees it.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<AttemptState>))]
public enum AttemptState
{
    /// <summary>Started, not yet claimed by a runner.</summary>
    Waiting,

    /// <summary>Started but not yet running: its platform still queues the execution (a Cloud Run
    /// execution pending, a local execution waiting for a slot), so no runner could have claimed it.</summary>
    Queued,

    /// <summary>Claimed: a runner is working.</summary>
    Running,

    /// <summary>result.json exists: collect it.</summary>
    ResultReady,

    /// <summary>The execution ended (or vanished) without a result: an infrastructure failure.</summary>
    Lost,
}
