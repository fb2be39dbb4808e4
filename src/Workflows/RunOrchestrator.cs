using System.Diagnostics;
using Orchestration.Activities.Contracts;
using Orchestration.Domain.Polling;
using Orchestration.Durable;

namespace Orchestration.Workflows;

/// <summary>One run (<c>{batchId}:t{ord}:r{idx}</c>): attempts of start, poll and collect until a judged
/// outcome, infrastructure failures retried as new attempts, a command that ran and failed never retried.</summary>
/// <remarks>Each attempt is the Durable monitor pattern: start the execution, then check it on a durable timer
/// until it leaves a result, a deadline passes or a Cancel arrives. Deterministic: time from the context,
/// jitter from the run key, no I/O. One Cancel waiter per episode serves every wait (a cancelled waiter can
/// swallow a later event in the isolated SDK). An episode continues as new after
/// <see cref="PollingOptions.PollsPerEpisode"/> polls, so a 24-hour run keeps a short history; never once the
/// Cancel waiter has completed, as the next episode would not see it.</remarks>
public sealed partial class RunOrchestrator : TaskOrchestrator<RunInput, RunSummary>
{
    /// <inheritdoc />
    public override async Task<RunSummary> RunAsync(TaskOrchestrationContext context, RunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var episode = new Episode(context, input);
        var state = input.State ?? RunState.First;
        while (state.Attempt <= input.AttemptLimit)
        {
            switch (await episode.AttemptAsync(state))
            {
                case AttemptEnd.Judged judged:
                    return judged.Summary;
                case AttemptEnd.Cancelled cancelled:
                    return await episode.CancelAsync(cancelled);
                case AttemptEnd.ContinueAsNew carried:
                    context.ContinueAsNew(input with { State = carried.State }, preserveUnprocessedEvents: true);
                    return null!; // discarded: the instance goes on as a new episode
                case AttemptEnd.NextAttempt next:
                    state = next.State;
                    break;
                default:
                    throw new UnreachableException();
            }
        }

        return await episode.AllAttemptsFailedAsync(state);
    }

    // How an attempt, or this episode's share of it, ended.
    private abstract record AttemptEnd
    {
        private AttemptEnd()
        {
        }

        // Judged, its row written: the run's summary.
        public sealed record Judged(RunSummary Summary) : AttemptEnd;

        // Ended without a judged result that stands: the run goes on with State's (next) attempt.
        public sealed record NextAttempt(RunState State) : AttemptEnd;

        // This episode has polled enough: the next one carries on from State.
        public sealed record ContinueAsNew(RunState State) : AttemptEnd;

        // A Cancel arrived: State's attempt is to be stopped and recorded as cancelled.
        public sealed record Cancelled(RunState State, string Reason) : AttemptEnd;
    }
}
