using Microsoft.Extensions.Options;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Storage;
using Orchestration.Activities.Stores;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Specs;

namespace Orchestration.Activities.Steps;

/// <summary>Reads an attempt's result.json and response, judges it, and upserts the run's row.</summary>
/// <remarks>At-least-once: the row is keyed by run and rebuilt from the stored row's attempt log, so a
/// repeat writes the same row and a run is counted once whatever happens.</remarks>
/// <param name="objects">The object store.</param>
/// <param name="results">The result store.</param>
/// <param name="catalog">Stored batches (for the task's rules and profile).</param>
/// <param name="settings">Run settings (prices).</param>
/// <param name="time">The clock (completion time).</param>
public sealed class CollectResult(IObjectStore objects, IResultStore results, BatchCatalog catalog, IOptions<RunSettings> settings, TimeProvider time)
    : IActivity<CollectResultInput, RunSummary>
{
    /// <inheritdoc />
    public async Task<RunSummary> RunAsync(CollectResultInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var attempt = input.Attempt;
        var (_, batch) = await catalog.GetAsync(attempt.BatchId, attempt.Nonce, cancellationToken).ConfigureAwait(false);
        var task = batch.Tasks[attempt.TaskOrdinal];
        var prefix = RunnerContract.AttemptPrefix(attempt.BatchId, attempt.Nonce, attempt.TaskId, attempt.RunIndex, attempt.Attempt);
        var (result, unreadable) = await ReadResultAsync(prefix, cancellationToken).ConfigureAwait(false);

        Judgement judgement;
        var usage = CloudRunUsage.Zero;
        if (unreadable is not null)
        {
            judgement = Judge.Errored(unreadable);
        }
        else if (result is not null)
        {
            var texts = await AttemptObjects.ReadTextsAsync(objects, task, prefix, cancellationToken).ConfigureAwait(false);
            judgement = Judge.EvaluateCaptured(task, result, texts);
            usage = CloudRunUsage.For(task.Profile, result.DurationSeconds ?? 0);
        }
        else
        {
            var reason = input.FallbackReason ?? "The attempt left no result.";
            judgement = input.Fallback switch
            {
                RunOutcome.TimedOut => Judge.TimedOut(reason),
                RunOutcome.Cancelled => Judge.Cancelled(reason),
                _ => Judge.Errored(reason),
            };
        }

        var claudeCost = result?.Claude?.Summary?.TotalCostUsd;
        var current = new AttemptRow(attempt.Attempt, input.Execution, AttemptResults.Name(AttemptResults.Of(judgement.Outcome)), judgement.Reason, usage.VcpuSeconds, usage.GibSeconds, claudeCost);
        var (log, judgedBefore) = await AttemptLogAsync(input, current, cancellationToken).ConfigureAwait(false);
        // The run orchestrator retries exactly these attempts (RunOrchestrator.JudgeAsync): their row is not final.
        var retryable = (result is not null || unreadable is not null) && judgement.Outcome == RunOutcome.Errored && judgement.BatchFault is null;
        var row = BuildRow(input, task.Id, judgement, result, log) with
        {
            Retrying = retryable && attempt.Attempt < (input.LastAttempt ?? task.MaxAttempts),
            JudgedAgain = judgedBefore,
        };
        await results.UpsertRunAsync(row, cancellationToken).ConfigureAwait(false);
        OrchestrationTelemetry.AttemptsCollected.Add(1, new KeyValuePair<string, object?>("outcome", current.Result));

        var attemptCost = (usage.VcpuSeconds * settings.Value.VcpuSecondUsd) + (usage.GibSeconds * settings.Value.GibSecondUsd) + (claudeCost ?? 0m);
        return new RunSummary(
            judgement.Outcome,
            judgement.Flags,
            result?.DurationSeconds,
            attemptCost,
            attempt.Attempt,
            judgement.Reason,
            judgement.BatchFault,
            Retryable: retryable,
            RunCostUsd: row.CostUsd);
    }

    private RunRow BuildRow(CollectResultInput input, string taskId, Judgement judgement, RunResult? result, IReadOnlyList<AttemptRow> log)
    {
        var attempt = input.Attempt;
        var vcpu = log.Sum(a => a.VcpuSeconds);
        var gib = log.Sum(a => a.GibSeconds);
        var claude = log.Any(a => a.ClaudeCostUsd is not null) ? log.Sum(a => a.ClaudeCostUsd ?? 0m) : (decimal?)null;
        return new RunRow
        {
            BatchId = attempt.BatchId,
            TaskOrdinal = attempt.TaskOrdinal,
            TaskId = taskId,
            RunIndex = attempt.RunIndex,
            Outcome = judgement.Outcome,
            Reason = judgement.Reason,
            Flags = judgement.Flags,
            ExitCode = result?.ExitCode,
            DurationSeconds = result?.DurationSeconds,
            VcpuSeconds = vcpu,
            GibSeconds = gib,
            ClaudeCostUsd = claude,
            CostUsd = (vcpu * settings.Value.VcpuSecondUsd) + (gib * settings.Value.GibSecondUsd) + (claude ?? 0m),
            Attempts = log.Count,
            Execution = input.Execution,
            ResponseTruncated = judgement.ResponseTruncated,
            CompletedAt = time.GetUtcNow(),
            AttemptLog = log,
        };
    }

    // Earlier attempts: what the stored row recorded (with usage) wins over what the orchestrator
    // remembers (attempts that never reached CollectResult); this attempt replaces any earlier copy of it.
    // Judged before: the stored row was the final judgement of an earlier attempt (a rerun runs it again).
    private async Task<(IReadOnlyList<AttemptRow> Log, bool JudgedBefore)> AttemptLogAsync(CollectResultInput input, AttemptRow current, CancellationToken cancellationToken)
    {
        var attempt = input.Attempt;
        if (attempt.Attempt <= 1)
        {
            // Nothing comes before a first attempt, so a stored row (a repeat's) has nothing to add: no read.
            return ([current], false);
        }

        var stored = await results.GetRunAsync(attempt.BatchId, attempt.TaskOrdinal, attempt.RunIndex, cancellationToken).ConfigureAwait(false);
        var log = new SortedDictionary<int, AttemptRow>();
        foreach (var earlier in input.EarlierAttempts.Where(a => a.Attempt < attempt.Attempt))
        {
            log[earlier.Attempt] = new AttemptRow(earlier.Attempt, earlier.Execution, AttemptResults.Name(earlier.Result), earlier.Reason);
        }

        foreach (var earlier in stored?.AttemptLog.Where(a => a.Attempt < attempt.Attempt) ?? [])
        {
            log[earlier.Attempt] = earlier;
        }

        log[current.Attempt] = current;
        var judgedBefore = stored is { Retrying: false } && stored.AttemptLog.Count > 0 && stored.AttemptLog.Max(a => a.Attempt) < attempt.Attempt;
        return ([.. log.Values], judgedBefore);
    }

    private Task<(RunResult? Result, string? Unreadable)> ReadResultAsync(string prefix, CancellationToken cancellationToken) =>
        AttemptObjects.ReadResultAsync(objects, prefix, cancellationToken);
}
