using System.Text.Json.Serialization;
using Orchestration.Domain;

namespace Orchestration.Activities.Contracts;

/// <summary>What became of one attempt of a run: a judged outcome, or lost before it could be judged.</summary>
/// <remarks>The attempt log stores and shows these by name (<see cref="AttemptResults.Name"/>): "passed",
/// "failed", "errored", "timedOut", "cancelled", "lost".</remarks>
[JsonConverter(typeof(CamelCaseEnumConverter<AttemptResult>))]
public enum AttemptResult
{
    /// <summary>Judged: met its pass rule.</summary>
    Passed,

    /// <summary>Judged: did not meet its pass rule.</summary>
    Failed,

    /// <summary>Judged: errored (an infrastructure error the runner reported, or no result after all attempts).</summary>
    Errored,

    /// <summary>Judged: passed its time limit.</summary>
    TimedOut,

    /// <summary>Judged: cancelled.</summary>
    Cancelled,

    /// <summary>Never judged: its execution could not be started, was not claimed in time, or ended
    /// without a result; the run goes on with another attempt.</summary>
    Lost,
}
