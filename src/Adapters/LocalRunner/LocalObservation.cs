using Orchestration.Activities.CloudRun;

namespace Orchestration.Adapters.LocalRunner;

/// <summary>What the files of one execution say right now.</summary>
/// <param name="State">Mapped state.</param>
/// <param name="Launched">True once a host launched (or began launching) its process.</param>
/// <param name="StartTime">Launch time, if launched.</param>
/// <param name="CompletionTime">End time when terminal.</param>
/// <param name="FailureReason">Why it failed or was cancelled.</param>
/// <param name="ProcessGroup">The live wrapper's pid (= its process group), when running.</param>
internal readonly record struct LocalObservation(
    CloudRunExecutionState State,
    bool Launched,
    DateTimeOffset? StartTime,
    DateTimeOffset? CompletionTime,
    string? FailureReason,
    int? ProcessGroup)
{
    /// <summary>True for succeeded, failed and cancelled.</summary>
    public bool IsTerminal => State is CloudRunExecutionState.Succeeded or CloudRunExecutionState.Failed or CloudRunExecutionState.Cancelled;
}
