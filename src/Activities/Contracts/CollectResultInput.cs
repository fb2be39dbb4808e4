using Orchestration.Domain.Judging;

namespace Orchestration.Activities.Contracts;

/// <summary>Judge an attempt and write the run's row.</summary>
/// <param name="Attempt">The attempt (the last one).</param>
/// <param name="Execution">Its execution, if one started.</param>
/// <param name="EarlierAttempts">What became of the attempts before it.</param>
/// <param name="Fallback">When the attempt has no result.json to judge (errored after all attempts, timed
/// out or cancelled before a result): the outcome to record; a result.json found anyway wins.</param>
/// <param name="FallbackReason">Why, for the fallback.</param>
/// <param name="LastAttempt">The last attempt the run may start (a rerun's go past the task's maxAttempts); null: the
/// task's maxAttempts.</param>
public sealed record CollectResultInput(
    RunAttempt Attempt,
    string? Execution,
    IReadOnlyList<EarlierAttempt> EarlierAttempts,
    RunOutcome? Fallback = null,
    string? FallbackReason = null,
    int? LastAttempt = null);
