using System.Globalization;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Steps;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Planning;
using Orchestration.Domain.Polling;
using Orchestration.Durable;

namespace Orchestration.Workflows;

/// <summary>The steps of an attempt: start, poll, last look, judge, cancel.</summary>
public sealed partial class RunOrchestrator
{
    // The steps of one episode; it owns what must not outlive the episode: the Cancel waiter and the poll count.
    private sealed class Episode(TaskOrchestrationContext context, RunInput input)
    {
        private readonly Task<string> _cancel = context.WaitForExternalEvent<string>(Events.Cancel);
        private readonly TaskOptions _retry = ActivityOptions.Retrying(input.ActivityAttempts);
        private readonly string _runKey = InstanceIds.Run(input.BatchId, new RunRef(input.Task.Ordinal, input.RunIndex));
        private int _polls;

        // Word that the polled execution ended (see WaitAsync): one waiter at a time, as the Cancel's, replaced once it
        // has its word; a word that came while no wait was open (during a CheckRun) is kept in it for the next wait.
        private Task<string> _ended = context.WaitForExternalEvent<string>(Events.ExecutionEnded);

        private PollingOptions Polling => input.Polling;

        public Task<AttemptEnd> AttemptAsync(RunState state) =>
            state.Execution is not null ? PollAsync(state)
            : input.PackedBy is { } chunk ? PackedStartAsync(state, chunk)
            : StartAsync(state);

        // A Cancel: the attempt's execution (if one started) is stopped; a result.json that exists anyway wins.
        public async Task<RunSummary> CancelAsync(AttemptEnd.Cancelled cancelled)
        {
            await StopExecutionAsync(cancelled.State);
            return await CollectAsync(cancelled.State, RunOutcome.Cancelled, cancelled.Reason);
        }

        // Every attempt ended unjudged: the last attempt's row says so, with the last failure's reason.
        public Task<RunSummary> AllAttemptsFailedAsync(RunState state)
        {
            var max = input.AttemptLimit;
            var last = state.EarlierAttempts.Count == 0 ? "" : " Last: " + state.EarlierAttempts[^1].Reason;
            var final = state with { Attempt = max, EarlierAttempts = [.. state.EarlierAttempts.Where(a => a.Attempt < max)] };
            var all = max == input.Task.MaxAttempts ? $"All {max} attempts" : $"All {input.Task.MaxAttempts} attempts of the rerun";
            return CollectAsync(final, RunOutcome.Errored, $"{all} failed without a judged result.{last}");
        }

        // Starts the attempt's execution, then polls it. A throttled start waits (the platform's suggestion or
        // the schedule's back-off, whichever is longer) without spending the attempt; a failed start loses it.
        private async Task<AttemptEnd> StartAsync(RunState state)
        {
            while (!_cancel.IsCompleted)
            {
                StartRunResult started;
                try
                {
                    started = await context.CallActivityAsync<StartRunResult>(
                        nameof(StartRun), new StartRunInput(AttemptOf(state), input.Task.JobId, input.Task.SpecUri, input.Task.TimeoutSeconds, context.InstanceId), _retry);
                }
                catch (TaskFailedException ex)
                {
                    return Lost(state, "The execution could not be started: " + ex.FailureDetails.ErrorMessage);
                }

                if (started.Execution is { } execution)
                {
                    return await PollAsync(state.Started(execution, context.CurrentUtcDateTime));
                }

                var backOff = PollingSchedule.ThrottleDelay(Polling, _runKey, state.Throttles);
                var suggested = TimeSpan.FromSeconds(started.RetryAfterSeconds);
                state = state with { Throttles = state.Throttles + 1 };
                if (await WaitAsync(context.CurrentUtcDateTime + (suggested > backOff ? suggested : backOff)))
                {
                    break;
                }
            }

            return new AttemptEnd.Cancelled(state, "Cancelled before the run started.");
        }

        // Asks the chunk to start the attempt in one of its packs, then polls it like any other. A pack that could
        // not be started loses the attempt (the next one is packed again); a Cancel while waiting leaves the
        // attempt's cancel marker (CancelAsync), so a pack the chunk starts meanwhile does no work for it.
        private async Task<AttemptEnd> PackedStartAsync(RunState state, string chunk)
        {
            context.SendEvent(chunk, Events.StartRequest, new PackRequest(new RunRef(input.Task.Ordinal, input.RunIndex), state.Attempt));
            while (true)
            {
                var started = context.WaitForExternalEvent<PackStart>(Events.Started);
                if (await Task.WhenAny(started, _cancel) == _cancel)
                {
                    return new AttemptEnd.Cancelled(state, "Cancelled before the run started.");
                }

                var answer = await started;
                if (answer.Attempt != state.Attempt)
                {
                    continue;
                }

                return answer.Execution is { } execution
                    ? await PollAsync(state.StartedInPack(execution, answer.PackId, answer.TaskIndex, context.CurrentUtcDateTime))
                    : Lost(state, $"The pack {answer.PackId} could not be started: {answer.Failure}");
            }
        }

        // The monitor loop over a started attempt (Execution and StartRequestedAt set): deadlines first, then
        // wait for the next poll (or a Cancel), then one CheckRun.
        private async Task<AttemptEnd> PollAsync(RunState state)
        {
            while (true)
            {
                // A Cancel that came during the last CheckRun was taken by this episode's waiter, so it is no
                // unprocessed event that ContinueAsNew could carry: the next episode would never see it. This
                // episode acts on it instead (the wait below returns at once).
                if (_polls >= Polling.PollsPerEpisode && !_cancel.IsCompleted)
                {
                    return new AttemptEnd.ContinueAsNew(state);
                }

                var now = context.CurrentUtcDateTime;
                var claimClock = state.StartRequestedAt!.Value;
                switch (RunDeadlines.Check(now, claimClock, state.ClaimedAt, input.Task.TimeoutSeconds, Polling))
                {
                    case DeadlineStatus.ClaimMissed when await LastLookAsync(state) is { } kept:
                        state = kept;
                        continue;
                    case DeadlineStatus.ClaimMissed:
                        await StopExecutionAsync(state);
                        return Lost(state, $"No runner claimed the attempt within {Polling.StartGrace.TotalSeconds:0} s.");
                    case DeadlineStatus.TimedOut:
                        await StopExecutionAsync(state);
                        return new AttemptEnd.Judged(await CollectAsync(state, RunOutcome.TimedOut, TimedOutReason()));
                }

                var deadline = RunDeadlines.Next(claimClock, state.ClaimedAt, input.Task.TimeoutSeconds, Polling);
                if (await WaitAsync(PollingSchedule.NextPollAt(now, PollingSchedule.PollDelay(Polling, _runKey, state.Poll), deadline), untilEnded: true))
                {
                    return new AttemptEnd.Cancelled(state, "Cancelled while running.");
                }

                var checkExecution = PollingSchedule.ShouldCheckExecution(Polling, state.Poll, context.CurrentUtcDateTime - claimClock);
                var check = await context.CallActivityAsync<CheckRunResult>(
                    nameof(CheckRun), new CheckRunInput(AttemptOf(state), state.Execution!, checkExecution, ClaimKnown: state.ClaimedAt is not null, state.TaskIndex), _retry);
                state = state with { Poll = state.Poll + 1 };
                _polls++;
                switch (check.State)
                {
                    case AttemptState.ResultReady:
                        // The result came before the claim was seen: the row names the claimant, not the execution started last.
                        return await JudgeAsync(state.ClaimedAt is null ? Claimed(state, check) : state);
                    case AttemptState.Lost:
                        return Lost(state, check.Reason);
                    case AttemptState.Running when state.ClaimedAt is null:
                        state = Claimed(state, check);
                        break;
                }
            }
        }

        // One last look before giving up on an attempt: a claim (or a result) that landed since the last
        // poll keeps the attempt, so a slow start is not run twice. An execution its platform still queues
        // (a busy local runner, a Cloud Run execution pending) could not have been claimed: its claim clock
        // moves on instead, for at most the execution's limit (the task's timeout + setup + upload margin)
        // after the first start request. Null: the attempt is lost.
        private async Task<RunState?> LastLookAsync(RunState state)
        {
            var check = await context.CallActivityAsync<CheckRunResult>(
                nameof(CheckRun), new CheckRunInput(AttemptOf(state), state.Execution!, CheckExecution: true, TaskIndex: state.TaskIndex), _retry);
            if (check.State is AttemptState.Running or AttemptState.ResultReady)
            {
                return Claimed(state, check);
            }

            var queuedSince = state.QueuedSince ?? state.StartRequestedAt!.Value;
            var now = context.CurrentUtcDateTime;
            return check.State == AttemptState.Queued && now - queuedSince < Polling.AttemptLimits.ExecutionTimeout(input.Task.TimeoutSeconds)
                ? state with { QueuedSince = queuedSince, StartRequestedAt = now }
                : null;
        }

        // Judges the attempt's result.json. An error the runner reported from its infrastructure (overload, API
        // error) gets another attempt while any remain; its row is written, so it is no lost attempt.
        private async Task<AttemptEnd> JudgeAsync(RunState state)
        {
            var summary = await CollectAsync(state, fallback: null, reason: null);
            return summary.Retryable && state.Attempt < input.AttemptLimit
                ? new AttemptEnd.NextAttempt(state.Next(lost: null))
                : new AttemptEnd.Judged(summary);
        }

        // A claim without a readable time counts from when it was seen.
        private RunState Claimed(RunState state, CheckRunResult check) =>
            state with { ClaimedAt = check.ClaimedAt ?? context.CurrentUtcDateTime, Execution = check.Execution ?? state.Execution };

        // The orchestrator's own deadline passed with no result: the execution outlived the work's limit
        // and the setup and upload time on top of it (the runner's own deadline would have left a result).
        private string TimedOutReason()
        {
            var limits = Polling.AttemptLimits;
            return $"No result within the work's time limit of {input.Task.TimeoutSeconds} s plus {limits.SetupSeconds} s for setup and {limits.UploadMarginSeconds} s for uploads after the claim; the execution was cancelled.";
        }

        // Waits until fireAt or a Cancel, whichever first, or (untilEnded) word that the execution ended; true when
        // cancelled. That word (Events.ExecutionEnded, sent where the platform sees its executions end: the local
        // runner) is a hint: the poll it brings forward judges, so a late one, or one of an earlier attempt's
        // execution, costs a poll, and a lost one the wait for the next poll.
        private async Task<bool> WaitAsync(DateTime fireAt, bool untilEnded = false)
        {
            using var timerCancel = new CancellationTokenSource();
            var timer = context.CreateTimer(fireAt, timerCancel.Token);
            var winner = untilEnded ? await Task.WhenAny(timer, _cancel, _ended) : await Task.WhenAny(timer, _cancel);
            if (winner == _ended)
            {
                _ended = context.WaitForExternalEvent<string>(Events.ExecutionEnded);
            }

            if (winner != timer)
            {
#pragma warning disable CA1849 // Cancel synchronously: orchestrator code must stay on the orchestration thread.
                timerCancel.Cancel();
#pragma warning restore CA1849
            }

            return winner == _cancel;
        }

        // A packed attempt is stopped by its cancel marker (the pack's execution works other runs too), also before
        // the chunk answered: it may still start the attempt in a pack.
        private async Task StopExecutionAsync(RunState state)
        {
            if (input.PackedBy is not null)
            {
                await context.CallActivityAsync<bool>(nameof(CancelRun), new CancelRunInput([], [AttemptOf(state)]), _retry);
            }
            else if (state.Execution is { } execution)
            {
                await context.CallActivityAsync<bool>(nameof(CancelRun), new CancelRunInput([execution]), _retry);
            }
        }

        // The run's last word on an attempt: a result.json that exists wins over the fallback outcome.
        private Task<RunSummary> CollectAsync(RunState state, RunOutcome? fallback, string? reason) =>
            context.CallActivityAsync<RunSummary>(
                nameof(CollectResult), new CollectResultInput(AttemptOf(state), Worker(state), state.EarlierAttempts, fallback, reason, input.LastAttempt), _retry);

        // What the run's row names as the attempt's execution: a packed attempt's task too (`{execution}/tasks/{index}`).
        private static string? Worker(RunState state) =>
            state.TaskIndex is { } task && state.Execution is { } execution ? string.Create(CultureInfo.InvariantCulture, $"{execution}/tasks/{task}") : state.Execution;

        private RunAttempt AttemptOf(RunState state) =>
            new(input.BatchId, input.Nonce, input.Task.Ordinal, input.Task.TaskId, input.RunIndex, state.Attempt);

        private static AttemptEnd.NextAttempt Lost(RunState state, string? reason) =>
            new(state.Next(new EarlierAttempt(state.Attempt, Worker(state), AttemptResult.Lost, reason)));
    }
}
