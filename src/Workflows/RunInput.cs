using Orchestration.Activities.Contracts;
using Orchestration.Domain.Polling;

namespace Orchestration.Workflows;

/// <summary>A run orchestration's input; <see cref="State"/> carries the attempt loop across ContinueAsNew.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Nonce">The submission nonce.</param>
/// <param name="Task">The run's task.</param>
/// <param name="RunIndex">The run index.</param>
/// <param name="Polling">The polling schedule.</param>
/// <param name="ActivityAttempts">Attempts per activity call.</param>
/// <param name="State">Where a previous episode left off; null at the start.</param>
/// <param name="PackedBy">The chunk instance that starts this run's attempts in packs; null when the run starts its own
/// executions.</param>
/// <param name="LastAttempt">The last attempt this run may start: the task's maxAttempts, or for a rerun (which starts at
/// the run's next attempt number) that many attempts further on.</param>
public sealed record RunInput(
    string BatchId, string Nonce, TaskPlan Task, int RunIndex, PollingOptions Polling, int ActivityAttempts, RunState? State = null, string? PackedBy = null,
    int? LastAttempt = null)
{
    /// <summary>The last attempt this run may start.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int AttemptLimit => LastAttempt ?? Task.MaxAttempts;
}
