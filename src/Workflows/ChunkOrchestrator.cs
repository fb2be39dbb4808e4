using Orchestration.Activities.Contracts;
using Orchestration.Activities.Steps;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Planning;
using Orchestration.Durable;

namespace Orchestration.Workflows;

/// <summary>One chunk (<c>{batchId}:c{n}</c>): runs its slice of the batch through a sliding window,
/// keeps its live counts in its custom status, forwards Cancel to running runs, and tells the batch when a
/// batch-level fault keeps happening.</summary>
/// <remarks>Its history holds at most one chunk's worth of runs. A run orchestration that fails outright
/// (a bug, or an activity failing past its retries) still gets a row, as errored, so it is counted once. In a batch
/// with a cost cap (<see cref="ChunkInput.Budget"/>) every start, packed or not, first asks its
/// <see cref="BudgetGate"/>; once one is refused no more start, and the counts it returns carry its spend and why it
/// stopped.</remarks>
public sealed class ChunkOrchestrator : TaskOrchestrator<ChunkInput, ProgressCounts>
{
    /// <inheritdoc />
    public override async Task<ProgressCounts> RunAsync(TaskOrchestrationContext context, ChunkInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var runs = input.Runs is { } listed
            ? [.. listed.Select(r => new RunRef(r.TaskOrdinal, r.RunIndex))]
            : ChunkPlanner.RunsOf([.. input.Tasks.Select(t => t.Runs)], new ChunkRange(input.Chunk, input.Start, input.Count));
        // A rerun's runs go on from their next attempt number: a dictionary, as launches repeat on every replay.
        var nextAttempts = input.Runs?.ToDictionary(r => new RunRef(r.TaskOrdinal, r.RunIndex), r => r.NextAttempt);
        int FirstAttempt(RunRef run) => nextAttempts is null ? 1 : nextAttempts[run];
        var progress = ProgressCounts.ForTasks(input.Tasks.Count);
        var cancel = context.WaitForExternalEvent<string>(Events.Cancel);
        var running = new Dictionary<Task<RunSummary>, RunRef>();
        var next = 0;
        var cancelled = false;
        var faults = 0;

        // Packed starts: one waiter for the runs' start requests at a time (never cancelled: a cancelled waiter can
        // swallow a later event), and one timer for when the packs are next due.
        var packs = input.Settings.Packing && input.Window >= 2 ? new ChunkPacks(context, input) : null;
        var requests = packs is null ? null : context.WaitForExternalEvent<PackRequest>(Events.StartRequest);
        var firstFill = true;
        var wake = new Wake(context);
        var budget = input.Budget is { } cap ? new BudgetGate(cap.CapUsd, cap.SpentUsd) : null;
        while (true)
        {
            var launched = new List<RunRef>();
            while (!cancelled && running.Count < input.Window && next < runs.Count && Affordable(budget, input, runs[next]))
            {
                var run = runs[next++];
                running[Launch(context, input, run, FirstAttempt(run), packed: packs is not null)] = run;
                launched.Add(run);
            }

            if (firstFill)
            {
                packs?.FirstFill(launched);
                firstFill = false;
            }

            if (packs is not null)
            {
                await packs.StartDueAsync(cancelled);
                wake.At(packs.WakeAt());
            }

            context.SetCustomStatus(new ChunkProgress(running.Count, progress, packs?.Started ?? 0, packs?.Running ?? 0));
            if (running.Count == 0)
            {
                wake.At(null);
                return budget is null ? progress : progress with { SpentUsd = budget.SpentHereUsd, BudgetStop = budget.StopReason };
            }

            var waits = running.Keys.Cast<Task>().ToList();
            if (!cancelled)
            {
                waits.Add(cancel);
            }

            if (requests is not null)
            {
                waits.Add(requests);
            }

            if (wake.Timer is { } timer)
            {
                waits.Add(timer);
            }

            var winner = await Task.WhenAny(waits);
            if (winner == requests)
            {
                packs!.Add(await requests);
                requests = context.WaitForExternalEvent<PackRequest>(Events.StartRequest);
                continue;
            }

            if (winner == wake.Timer)
            {
                wake.Fired();
                continue;
            }

            if (winner == cancel)
            {
                cancelled = true;
                foreach (var run in running.Values)
                {
                    context.SendEvent(InstanceIds.Run(input.BatchId, run, input.Generation), Events.Cancel, "The batch was stopped.");
                }

                if (packs is not null)
                {
                    await packs.CancelAllAsync();
                }

                continue;
            }

            var task = (Task<RunSummary>)winner;
            var done = running[task];
            running.Remove(task);
            var summary = await SummaryAsync(context, input, done, FirstAttempt(done), task);
            progress = progress.Add(done.TaskOrdinal, summary.Outcome, summary.Flags.Count > 0);
            budget?.Settle(done, summary.RunCostUsd ?? summary.CostUsd);
            if (packs is not null)
            {
                await packs.RunFinishedAsync(done, summary);
            }

            if (summary.BatchFault is { } fault && ++faults == input.Settings.FaultThreshold)
            {
                context.SendEvent(input.BatchId, Events.Fault, new FaultNotice($"{faults} runs hit the same batch-level fault ({fault.Kind}): {fault.Reason}"));
            }
        }
    }

    // Every start, packed or not, passes here: in a capped batch a run starts only if its attempt's upper bound fits.
    private static bool Affordable(BudgetGate? budget, ChunkInput input, RunRef run) =>
        budget is null || budget.TryReserve(run, input.Tasks[run.TaskOrdinal].AttemptUpperUsd ?? 0m);

    // A rerun's run goes on from its next attempt number, with as many attempts as the task allows.
    private static Task<RunSummary> Launch(TaskOrchestrationContext context, ChunkInput input, RunRef run, int first, bool packed)
    {
        var task = input.Tasks[run.TaskOrdinal];
        return context.CallSubOrchestratorAsync<RunSummary>(
            nameof(RunOrchestrator),
            new RunInput(input.BatchId, input.Nonce, task, run.RunIndex, input.Settings.Polling, input.Settings.ActivityAttempts,
                State: first == 1 ? null : RunState.First with { Attempt = first },
                PackedBy: packed ? InstanceIds.Chunk(input.BatchId, input.Chunk, input.Generation) : null,
                LastAttempt: first == 1 ? null : first + task.MaxAttempts - 1),
            new SubOrchestrationOptions(instanceId: InstanceIds.Run(input.BatchId, run, input.Generation)));
    }

    private static async Task<RunSummary> SummaryAsync(TaskOrchestrationContext context, ChunkInput input, RunRef run, int firstAttempt, Task<RunSummary> finished)
    {
        try
        {
            return await finished;
        }
        catch (TaskFailedException ex)
        {
            var plan = input.Tasks[run.TaskOrdinal];
            var attempt = new RunAttempt(input.BatchId, input.Nonce, run.TaskOrdinal, plan.TaskId, run.RunIndex, firstAttempt + plan.MaxAttempts - 1);
            return await context.CallActivityAsync<RunSummary>(
                nameof(CollectResult),
                new CollectResultInput(attempt, null, [], RunOutcome.Errored, "The run's orchestration failed: " + ex.FailureDetails.ErrorMessage),
                ActivityOptions.Retrying(input.Settings.ActivityAttempts));
        }
    }

    // The chunk's one pack timer: replaced when the packs' next due time changes, cancelled when none is due.
    private sealed class Wake(TaskOrchestrationContext context)
    {
        private CancellationTokenSource? _cancel;
        private DateTime? _at;

        public Task? Timer { get; private set; }

        public void At(DateTime? at)
        {
            if (at == _at && (Timer is not null || at is null))
            {
                return;
            }

            if (_cancel is not null)
            {
#pragma warning disable CA1849 // Cancel synchronously: orchestrator code must stay on the orchestration thread.
                _cancel.Cancel();
#pragma warning restore CA1849
                _cancel.Dispose();
                _cancel = null;
            }

            _at = at;
            Timer = null;
            if (at is { } fireAt)
            {
                _cancel = new CancellationTokenSource();
                Timer = context.CreateTimer(fireAt, _cancel.Token);
            }
        }

        public void Fired()
        {
            _cancel?.Dispose();
            _cancel = null;
            Timer = null;
            _at = null;
        }
    }
}
