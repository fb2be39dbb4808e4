using Orchestration.Durable;

namespace Orchestration.Engine;

/// <summary>Where an execution stands after an episode.</summary>
internal sealed record ExecutionOutcome(OrchestrationRuntimeStatus Status, string? Output, TaskFailureDetails? Failure, bool IsContinuedAsNew)
{
    public static ExecutionOutcome Running { get; } = new(OrchestrationRuntimeStatus.Running, null, null, false);

    public static ExecutionOutcome ContinuedAsNew { get; } = new(OrchestrationRuntimeStatus.Running, null, null, true);

    public static ExecutionOutcome Completed(string? output) => new(OrchestrationRuntimeStatus.Completed, output, null, false);

    public static ExecutionOutcome Failed(TaskFailureDetails failure) => new(OrchestrationRuntimeStatus.Failed, null, failure, false);
}
