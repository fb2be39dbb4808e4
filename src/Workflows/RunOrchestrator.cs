using Orchestration.Activities.Contracts;
using Orchestration.Activities.Steps;
using Orchestration.Activities.Stores;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Planning;
using Orchestration.Domain.Polling;
using Orchestration.Durable;

namespace Orchestration.Workflows;

/// <summary>One run (<c>{batchId}:t{ord}:r{idx}</c>): attempts of start, poll and collect until a judged
/// outcome, infrastructure failures retried as new attempts, a command that ran and failed never retried.</summary>
/// <remarks>Deterministic: time from the context, jitter from the run key, no I/O. One Cancel waiter per
/// episode serves every poll (a cancelled waiter can swallow a later event in the isolated SDK). The poll
/// loop continues as new every <see cref="PollingOptions.PollsPerEpisode"/> polls, so a 24-hour run keeps
/// a short history; never once the Cancel waiter has completed, as the next episode would not see it.</remarks>
public sealed class RunOrchestrator : TaskOrchestrator<RunInput, RunSummary>
{
    /// <inheritdoc />
    public override async Task<RunSummary> RunAsync(TaskOrchestrationContext context, RunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var run = new RunContext(context, input);
        return await run.ExecuteAsync();
    }

    private sealed class RunContext(TaskOrchestrationContext context, RunInput input)
    {
        private readonly Task<string> _cancel = context.WaitForExternalEvent<string>(Events.Cancel);
        private readonly TaskOptions _retry = ActivityOptions.Retrying(input.ActivityAttempts);
        private readonly string _runKey = InstanceIds.Run(input.BatchId, new RunRef(input.Task.Ordinal, input.RunIndex));
        private RunState _state = input.State ?? new RunState(1, null, null, null, 0, 0, []);
        private int _pollsThisEpisode;

        private PollingOptions Polling => input.Polling;

        private RunAttempt Attempt => new(input.BatchId, input.Nonce, input.Task.Ordinal, input.Task.TaskId, input.RunIndex, _state.Attempt);

        public async Task<RunSummary> ExecuteAsync()
        {
            while (_state.Attempt <= input.Task.MaxAttempts)
            {
                if (_state.Execution is null && !await StartAsync())
                {
                    return await FinishAsync(RunOutcome.Cancelled, "Cancelled before the run started.");
                }

                var step = await PollAsync();
                if (step is not null)
                {
                    return step;
                }

                if (_pollsThisEpisode < 0)
                {
                    return null!; // continued as new; this episode's result is discarded
                }
            }

            var last = _state.EarlierAttempts.Count == 0 ? "" : " Last: " + _state.EarlierAttempts[^1].Reason;
            _state = _state with { Attempt = input.Task.MaxAttempts };
            return await FinishAsync(RunOutcome.Errored, $"All {input.Task.MaxAttempts} attempts failed without a judged result.{last}", earlierOnly: true);
        }

        // Starts the attempt's execution, waiting out throttling without spending the attempt.
        private async Task<bool> StartAsync()
        {
            while (true)
            {
                if (_cancel.IsCompleted)
                {
                    return false;
                }

                StartRunResult started;
                try
                {
                    started = await context.CallActivityAsync<StartRunResult>(
                        nameof(StartRun), new StartRunInput(Attempt, input.Task.JobId, input.Task.SpecUri, input.Task.TimeoutSeconds), _retry);
                }
                catch (TaskFailedException ex)
                {
                    NextAttempt(new AttemptRow(_state.Attempt, null, "lost", "The execution could not be started: " + ex.FailureDetails.ErrorMessage));
                    if (_state.Attempt > input.Task.MaxAttempts)
                    {
                        return true;
                    }

                    continue;
                }

                if (!started.Throttled)
                {
                    _state = _state with { Execution = started.Execution, StartRequestedAt = context.CurrentUtcDateTime, ClaimedAt = null, Poll = 0, QueuedSince = null };
                    return true;
                }

                var wait = PollingSchedule.ThrottleDelay(Polling, _runKey, _state.Throttles);
                var suggested = TimeSpan.FromSeconds(started.RetryAfterSeconds);
                _state = _state with { Throttles = _state.Throttles + 1 };
                if (await WaitAsync(context.CurrentUtcDateTime + (suggested > wait ? suggested : wait)))
                {
                    return false;
                }
            }
        }

        // Polls the current attempt until it yields a summary (returned), needs another attempt (null), or
        // the episode continues as new (null, with _pollsThisEpisode set to -1).
        private async Task<RunSummary?> PollAsync()
        {
            if (_state.Execution is null)
            {
                return null; // all attempts were spent failing to start
            }

            while (true)
            {
                // A Cancel that came during the last CheckRun was taken by this episode's waiter, so it is no
                // unprocessed event that ContinueAsNew could carry: the next episode would never see it. This
                // episode acts on it instead (the wait below returns at once).
                if (_pollsThisEpisode >= Polling.PollsPerEpisode && !_cancel.IsCompleted)
                {
                    context.ContinueAsNew(input with { State = _state }, preserveUnprocessedEvents: true);
                    _pollsThisEpisode = -1;
                    return null;
                }

                var now = context.CurrentUtcDateTime;
                var started = _state.StartRequestedAt!.Value;
                switch (RunDeadlines.Check(now, started, _state.ClaimedAt, input.Task.TimeoutSeconds, Polling))
                {
                    case DeadlineStatus.ClaimMissed when await LastLookAsync() == LastLook.Missing:
                        await CancelAsync();
                        NextAttempt(new AttemptRow(_state.Attempt, _state.Execution, "lost", $"No runner claimed the attempt within {Polling.StartGrace.TotalSeconds:0} s."));
                        return null;
                    case DeadlineStatus.ClaimMissed:
                        continue; // claimed just before the deadline, or still queued (claim clock moved on): keep this attempt
                    case DeadlineStatus.TimedOut:
                        await CancelAsync();
                        return await FinishAsync(RunOutcome.TimedOut, TimedOutReason());
                }

                var deadline = RunDeadlines.Next(started, _state.ClaimedAt, input.Task.TimeoutSeconds, Polling);
                var delay = PollingSchedule.PollDelay(Polling, _runKey, _state.Poll);
                if (await WaitAsync(PollingSchedule.NextPollAt(now, delay, deadline)))
                {
                    await CancelAsync();
                    return await FinishAsync(RunOutcome.Cancelled, "Cancelled while running.");
                }

                var check = await context.CallActivityAsync<CheckRunResult>(nameof(CheckRun), new CheckRunInput(
                    Attempt, _state.Execution!, PollingSchedule.ShouldCheckExecution(Polling, _state.Poll, context.CurrentUtcDateTime - started), _state.ClaimedAt is not null), _retry);
                _state = _state with { Poll = _state.Poll + 1 };
                _pollsThisEpisode++;
                switch (check.State)
                {
                    case AttemptState.ResultReady:
                        var summary = await CollectAsync(null, null);
                        if (!summary.Retryable || _state.Attempt >= input.Task.MaxAttempts)
                        {
                            return summary;
                        }

                        NextAttempt(null);
                        return null;
                    case AttemptState.Lost:
                        NextAttempt(new AttemptRow(_state.Attempt, _state.Execution, "lost", check.Reason));
                        return null;
                    case AttemptState.Running when _state.ClaimedAt is null:
                        _state = _state with { ClaimedAt = check.ClaimedAt is { } at && at > DateTime.MinValue ? at : context.CurrentUtcDateTime, Execution = check.Execution ?? _state.Execution };
                        break;
                }
            }
        }

        // One last look before giving up on an attempt: a claim (or a result) that landed since the last
        // poll keeps the attempt, so a slow start is not run twice. An execution its platform still queues
        // (a busy local runner, a Cloud Run execution pending) could not have been claimed: its claim clock
        // moves on instead, for at most the execution's limit (the task's timeout + setup + upload margin)
        // after the first start request.
        private async Task<LastLook> LastLookAsync()
        {
            var check = await context.CallActivityAsync<CheckRunResult>(nameof(CheckRun), new CheckRunInput(Attempt, _state.Execution!, CheckExecution: true), _retry);
            if (check.State is AttemptState.Running or AttemptState.ResultReady)
            {
                _state = _state with { ClaimedAt = check.ClaimedAt is { } at && at > DateTime.MinValue ? at : context.CurrentUtcDateTime, Execution = check.Execution ?? _state.Execution };
                return LastLook.Claimed;
            }

            var queuedSince = _state.QueuedSince ?? _state.StartRequestedAt!.Value;
            if (check.State == AttemptState.Queued && context.CurrentUtcDateTime - queuedSince < Polling.AttemptLimits.ExecutionTimeout(input.Task.TimeoutSeconds))
            {
                _state = _state with { QueuedSince = queuedSince, StartRequestedAt = context.CurrentUtcDateTime };
                return LastLook.Queued;
            }

            return LastLook.Missing;
        }

        // The orchestrator's own deadline passed with no result: the execution outlived the work's limit
        // and the setup and upload time on top of it (the runner's own deadline would have left a result).
        private string TimedOutReason()
        {
            var limits = Polling.AttemptLimits;
            return $"No result within the work's time limit of {input.Task.TimeoutSeconds} s plus {limits.SetupSeconds} s for setup and {limits.UploadMarginSeconds} s for uploads after the claim; the execution was cancelled.";
        }

        // Waits until fireAt or a Cancel, whichever first; true when cancelled.
        private async Task<bool> WaitAsync(DateTime fireAt)
        {
            using var timerCancel = new CancellationTokenSource();
            var timer = context.CreateTimer(fireAt, timerCancel.Token);
            var winner = await Task.WhenAny(timer, _cancel);
            if (winner == _cancel)
            {
#pragma warning disable CA1849 // Cancel synchronously: orchestrator code must stay on the orchestration thread.
                timerCancel.Cancel();
#pragma warning restore CA1849
                return true;
            }

            return false;
        }

        private async Task CancelAsync()
        {
            if (_state.Execution is { } execution)
            {
                await context.CallActivityAsync<bool>(nameof(CancelRun), new CancelRunInput([execution]), _retry);
            }
        }

        private void NextAttempt(AttemptRow? lost)
        {
            _state = new RunState(_state.Attempt + 1, null, null, null, 0, 0, lost is null ? _state.EarlierAttempts : [.. _state.EarlierAttempts, lost]);
        }

        // The run's last word: a result.json that exists wins over the fallback outcome.
        private Task<RunSummary> FinishAsync(RunOutcome fallback, string reason, bool earlierOnly = false) =>
            CollectAsync(fallback, reason, earlierOnly);

        private Task<RunSummary> CollectAsync(RunOutcome? fallback, string? reason, bool earlierOnly = false)
        {
            var earlier = earlierOnly ? _state.EarlierAttempts.Where(a => a.Attempt < _state.Attempt).ToList() : _state.EarlierAttempts;
            return context.CallActivityAsync<RunSummary>(nameof(CollectResult), new CollectResultInput(Attempt, _state.Execution, earlier, fallback, reason), _retry);
        }
    }

    // What the last look at a claim deadline found.
    private enum LastLook
    {
        Claimed,
        Queued,
        Missing,
    }
}
