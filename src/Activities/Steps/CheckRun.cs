using System.Text.Json;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Storage;
using Orchestration.Domain.Specs;

namespace Orchestration.Activities.Steps;

/// <summary>Looks at an attempt: result.json first (one GCS call), the claim until it is known (also when
/// the result is there: the claimant is the execution the run's row names), and the execution only when due.</summary>
/// <remarks>Read-only, so safe to repeat. An execution that ended or vanished without a result is
/// looked at once more for a result that landed just before the end.</remarks>
/// <param name="objects">The object store.</param>
/// <param name="jobs">Cloud Run (or the local runner).</param>
public sealed class CheckRun(IObjectStore objects, ICloudRunJobsClient jobs) : IActivity<CheckRunInput, CheckRunResult>
{
    /// <inheritdoc />
    public async Task<CheckRunResult> RunAsync(CheckRunInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var attempt = input.Attempt;
        var prefix = RunnerContract.AttemptPrefix(attempt.BatchId, attempt.Nonce, attempt.TaskId, attempt.RunIndex, attempt.Attempt);
        var result = await HasResultAsync(prefix, cancellationToken).ConfigureAwait(false);
        if (result && input.ClaimKnown)
        {
            return new CheckRunResult(AttemptState.ResultReady, null, input.Execution, null);
        }

        // A result seen before the claim: the claim still names who did the work, which after an ambiguous
        // start (or a host restart that started the attempt again) need not be the execution started last.
        var claimed = input.ClaimKnown;
        DateTime? claimedAt = null;
        var execution = input.Execution;
        if (!input.ClaimKnown && await StartRun.ReadTextAsync(objects, prefix + RunnerContract.ClaimObject, cancellationToken).ConfigureAwait(false) is { } claimJson)
        {
            claimed = true;
            (execution, claimedAt) = ParseClaim(claimJson, input.Execution);
        }

        if (result)
        {
            return new CheckRunResult(AttemptState.ResultReady, claimedAt, execution, null);
        }

        var state = claimed ? AttemptState.Running : AttemptState.Waiting;
        if (!input.CheckExecution)
        {
            return new CheckRunResult(state, claimedAt, execution, null);
        }

        var current = await jobs.GetExecutionAsync(execution, cancellationToken).ConfigureAwait(false);
        var task = current is { IsTerminal: false } && input.TaskIndex is { } index && execution == input.Execution
            ? await TaskAsync(execution, index, cancellationToken).ConfigureAwait(false)
            : null;
        if (current is not null && !current.IsTerminal && task is not { IsTerminal: true })
        {
            var queued = state == AttemptState.Waiting && current.State == CloudRunExecutionState.Pending;
            return new CheckRunResult(queued ? AttemptState.Queued : state, claimedAt, execution, null);
        }

        if (await HasResultAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            // The result landed after the claim was read above: read the claim that must precede it.
            if (!claimed && await StartRun.ReadTextAsync(objects, prefix + RunnerContract.ClaimObject, cancellationToken).ConfigureAwait(false) is { } claimBeforeResult)
            {
                (execution, claimedAt) = ParseClaim(claimBeforeResult, input.Execution);
            }

            return new CheckRunResult(AttemptState.ResultReady, claimedAt, execution, null);
        }

        // A duplicate of an ambiguous :run retry ends at once, without a result, when another execution
        // holds the claim; if that claim landed after it was read above, the attempt lives on in the owner.
        if (!claimed
            && await StartRun.ReadTextAsync(objects, prefix + RunnerContract.ClaimObject, cancellationToken).ConfigureAwait(false) is { } lateClaim
            && ParseClaim(lateClaim, input.Execution) is var (owner, ownerClaimedAt) && owner != execution)
        {
            return new CheckRunResult(AttemptState.Running, ownerClaimedAt, owner, null);
        }

        var reason = current is null
            ? "The execution no longer exists and left no result."
            : task is { IsTerminal: true }
            ? $"Task {task.Index} of the execution ended ({task.State.ToString().ToLowerInvariant()}) without a result{(task.FailureReason is null ? "" : ": " + task.FailureReason)}."
            : $"The execution ended ({current.State.ToString().ToLowerInvariant()}) without a result{(current.FailureReason is null ? "" : ": " + current.FailureReason)}.";
        return new CheckRunResult(AttemptState.Lost, claimedAt, execution, reason);
    }

    // The attempt's task of a packed execution, read from tasks.list (ordered by index, so a page past it ends the search).
    private async Task<CloudRunTask?> TaskAsync(string execution, int index, CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await jobs.ListTasksAsync(execution, token, pageSize: 100, cancellationToken).ConfigureAwait(false);
            if (page.Items.FirstOrDefault(t => t.Index == index) is { } found)
            {
                return found;
            }

            if (page.Items.Count > 0 && page.Items[^1].Index > index)
            {
                return null;
            }

            token = page.NextPageToken;
        }
        while (token is not null);
        return null;
    }

    private async Task<bool> HasResultAsync(string prefix, CancellationToken cancellationToken) =>
        await objects.GetMetadataAsync(prefix + RunnerContract.ResultObject, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>The runner records <c>CLOUD_RUN_EXECUTION</c>, the short execution id; the API wants the full
    /// resource name, which differs from the started one only in its last segment.</summary>
    internal static string FullName(string claimed, string started)
    {
        if (claimed.Contains('/', StringComparison.Ordinal))
        {
            return claimed;
        }

        var slash = started.LastIndexOf('/');
        return slash < 0 ? claimed : started[..(slash + 1)] + claimed;
    }

    private static (string Execution, DateTime? ClaimedAt) ParseClaim(string json, string started)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var execution = root.TryGetProperty("execution", out var e) && e.GetString() is { Length: > 0 } name ? FullName(name, started) : started;
            DateTime? at = root.TryGetProperty("startedAt", out var s) && s.TryGetDateTimeOffset(out var time) ? time.UtcDateTime : null;
            return (execution, at);
        }
        catch (JsonException)
        {
            // A claim exists, so a runner is working, even if its content (and so its time) cannot be read.
            return (started, null);
        }
    }
}
