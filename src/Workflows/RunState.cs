using Orchestration.Activities.Contracts;

namespace Orchestration.Workflows;

/// <summary>The state a run carries from one episode to the next: the current attempt and what became of
/// the ones before it.</summary>
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
/// <param name="PackId">The pack whose execution works this attempt, when packed: the execution serves other runs
/// too, so this attempt is stopped by its cancel marker, never by cancelling the execution.</param>
/// <param name="TaskIndex">The attempt's task in the pack's execution, when packed.</param>
public sealed record RunState(
    int Attempt,
    string? Execution,
    DateTime? StartRequestedAt,
    DateTime? ClaimedAt,
    int Poll,
    int Throttles,
    IReadOnlyList<EarlierAttempt> EarlierAttempts,
    DateTime? QueuedSince = null,
    string? PackId = null,
    int? TaskIndex = null)
{
    /// <summary>The first attempt, not yet started.</summary>
    public static RunState First { get; } = new(
        Attempt: 1, Execution: null, StartRequestedAt: null, ClaimedAt: null, Poll: 0, Throttles: 0, EarlierAttempts: []);

    /// <summary>This attempt with its execution started at <paramref name="at"/>: its claim clock starts.</summary>
    /// <param name="execution">The execution.</param>
    /// <param name="at">The orchestration time of the start.</param>
    /// <returns>The new state.</returns>
    public RunState Started(string execution, DateTime at) =>
        this with { Execution = execution, StartRequestedAt = at, ClaimedAt = null, Poll = 0, QueuedSince = null, PackId = null, TaskIndex = null };

    /// <summary>This attempt started as task <paramref name="taskIndex"/> of pack <paramref name="packId"/>'s execution.</summary>
    /// <param name="execution">The pack's execution.</param>
    /// <param name="packId">The pack.</param>
    /// <param name="taskIndex">The attempt's task.</param>
    /// <param name="at">The orchestration time the start was answered.</param>
    /// <returns>The new state.</returns>
    public RunState StartedInPack(string execution, string packId, int taskIndex, DateTime at) =>
        Started(execution, at) with { PackId = packId, TaskIndex = taskIndex };

    /// <summary>The next attempt, not yet started; <paramref name="lost"/> (this attempt, when it ended
    /// unjudged) joins the earlier attempts.</summary>
    /// <param name="lost">This attempt when lost; null when it was judged and its row written.</param>
    /// <returns>The new state.</returns>
    public RunState Next(EarlierAttempt? lost) =>
        First with { Attempt = Attempt + 1, EarlierAttempts = lost is null ? EarlierAttempts : [.. EarlierAttempts, lost] };
}
