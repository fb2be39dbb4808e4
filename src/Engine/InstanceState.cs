using Orchestration.Durable;

namespace Orchestration.Engine;

/// <summary>A running instance as the dispatcher holds it between episodes.</summary>
internal sealed class InstanceState(string instanceId, string name)
{
    public string InstanceId => instanceId;

    public string Name => name;

    public required string ExecutionId { get; set; }

    public OrchestrationRuntimeStatus Status { get; set; }

    public string? Input { get; set; }

    public string? CustomStatus { get; set; }

    public string? ParentInstanceId { get; init; }

    public string? ParentExecutionId { get; init; }

    public int ParentTaskId { get; init; }

    public List<HistoryEvent> History { get; } = [];

    /// <summary>The live orchestrator, resumed by the next episode without replay; null after eviction.</summary>
    public OrchestrationExecutor? Executor { get; set; }

    public long LastUsed { get; set; }

    /// <summary>Shared by the instance's successive executors, so a stray continuation of an earlier one is still noticed.</summary>
    public EpisodeSynchronizationContext Sync { get; } = new();

    public bool IsTerminal => Status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
}
