using Orchestration.Activities.Contracts;
using Orchestration.Activities.Stores;
using Orchestration.Domain.Polling;

namespace Orchestration.Workflows;

/// <summary>A run orchestration's input; <see cref="State"/> carries the poll loop across ContinueAsNew.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Nonce">The submission nonce.</param>
/// <param name="Task">The run's task.</param>
/// <param name="RunIndex">The run index.</param>
/// <param name="Polling">The polling schedule.</param>
/// <param name="ActivityAttempts">Attempts per activity call.</param>
/// <param name="State">Where a previous episode left off; null at the start.</param>
public sealed record RunInput(string BatchId, string Nonce, TaskPlan Task, int RunIndex, PollingOptions Polling, int ActivityAttempts, RunState? State = null);

/// <summary>The state a run carries from one episode to the next.</summary>
/// <param name="Attempt">The current attempt k.</param>
/// <param name="Execution">Its execution, once started.</param>
/// <param name="StartRequestedAt">When its claim clock started: when its start was requested, moved on
/// while its platform still queues the execution.</param>
/// <param name="ClaimedAt">When a runner claimed it, once known.</param>
/// <param name="Poll">Polls of this attempt so far.</param>
/// <param name="Throttles">Throttled starts of this attempt so far.</param>
/// <param name="EarlierAttempts">Attempts before this one that left no judged row.</param>
/// <param name="QueuedSince">When its start was first requested, once its platform was found still queuing the
/// execution at a claim deadline; bounds how long a queued execution may wait.</param>
public sealed record RunState(int Attempt, string? Execution, DateTime? StartRequestedAt, DateTime? ClaimedAt, int Poll, int Throttles, IReadOnlyList<AttemptRow> EarlierAttempts, DateTime? QueuedSince = null);
