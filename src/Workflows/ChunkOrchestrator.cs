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
/// (a bug, or an activity failing past its retries) still gets a row, as errored, so it is counted once.</remarks>
public sealed class ChunkOrchestrator : TaskOrchestrator<ChunkInput, ProgressCounts>
{
    /// <inheritdoc />
    public override async Task<ProgressCounts> RunAsync(TaskOrchestrationContext context, ChunkInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var runs = ChunkPlanner.RunsOf([.. input.Tasks.Select(t => t.Runs)], new ChunkRange(input.Chunk, input.Start, input.Count));
        var progress = ProgressCounts.ForTasks(input.Tasks.Count);
        var cancel = context.WaitForExternalEvent<string>(Events.Cancel);
        var running = new Dictionary<Task<RunSummary>, RunRef>();
        var next = 0;
        var cancelled = false;
        var faults = 0;
        while (true)
        {
            while (!cancelled && running.Count < input.Window && next < runs.Count)
            {
                var run = runs[next++];
                running[Launch(context, input, run)] = run;
            }

            context.SetCustomStatus(new ChunkProgress(running.Count, progress));
            if (running.Count == 0)
            {
                return progress;
            }

            var winner = await Task.WhenAny(cancelled ? running.Keys.Cast<Task>() : running.Keys.Cast<Task>().Append(cancel));
            if (winner == cancel)
            {
                cancelled = true;
                foreach (var run in running.Values)
                {
                    context.SendEvent(InstanceIds.Run(input.BatchId, run), Events.Cancel, "The batch was stopped.");
                }

                continue;
            }

            var task = (Task<RunSummary>)winner;
            var done = running[task];
            running.Remove(task);
            var summary = await SummaryAsync(context, input, done, task);
            progress = progress.Add(done.TaskOrdinal, summary.Outcome, summary.Flags.Count > 0);
            if (summary.BatchFault is { } fault && ++faults == input.Settings.FaultThreshold)
            {
                context.SendEvent(input.BatchId, Events.Fault, new FaultNotice($"{faults} runs hit the same batch-level fault ({fault.Kind}): {fault.Reason}"));
            }
        }
    }

    private static Task<RunSummary> Launch(TaskOrchestrationContext context, ChunkInput input, RunRef run) =>
        context.CallSubOrchestratorAsync<RunSummary>(
            nameof(RunOrchestrator),
            new RunInput(input.BatchId, input.Nonce, input.Tasks[run.TaskOrdinal], run.RunIndex, input.Settings.Polling, input.Settings.ActivityAttempts),
            new SubOrchestrationOptions(instanceId: InstanceIds.Run(input.BatchId, run)));

    private static async Task<RunSummary> SummaryAsync(TaskOrchestrationContext context, ChunkInput input, RunRef run, Task<RunSummary> finished)
    {
        try
        {
            return await finished;
        }
        catch (TaskFailedException ex)
        {
            var plan = input.Tasks[run.TaskOrdinal];
            var attempt = new RunAttempt(input.BatchId, input.Nonce, run.TaskOrdinal, plan.TaskId, run.RunIndex, plan.MaxAttempts);
            return await context.CallActivityAsync<RunSummary>(
                nameof(CollectResult),
                new CollectResultInput(attempt, null, [], RunOutcome.Errored, "The run's orchestration failed: " + ex.FailureDetails.ErrorMessage),
                ActivityOptions.Retrying(input.Settings.ActivityAttempts));
        }
    }
}
