using System.Text.Json.Serialization;
using Orchestration.Activities.CloudRun;

namespace Orchestration.Adapters.LocalRunner;

/// <summary>The terminal state of an execution, frozen in <c>outcome.json</c> when first observed.</summary>
/// <remarks>Freezing it keeps completion times stable and stops later observations (a reused pid, a late exit file) from changing the answer.</remarks>
/// <param name="State">Succeeded, failed or cancelled.</param>
/// <param name="StartTime">When the process was launched, if it was.</param>
/// <param name="CompletionTime">When it ended (exit file time, or when the end was observed).</param>
/// <param name="FailureReason">Why it failed or was cancelled.</param>
internal sealed record LocalOutcomeRecord(
    [property: JsonConverter(typeof(ExecutionStateNumberConverter))] CloudRunExecutionState State,
    DateTimeOffset? StartTime,
    DateTimeOffset CompletionTime,
    string? FailureReason);
