using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Storage;
using Orchestration.Domain.Specs;

namespace Orchestration.Activities.Steps;

/// <summary>Starts the execution of one attempt and records its name as <c>a{k}/execution</c>.</summary>
/// <remarks>At-least-once: a repeat finds the recorded execution and returns it without starting
/// another. If two executions do start (a repeat raced the first record, or an ambiguous <c>:run</c>), the
/// runner's claim lets only one work, and CheckRun follows the claimant.</remarks>
/// <param name="objects">The object store.</param>
/// <param name="jobs">Cloud Run (or the local runner).</param>
/// <param name="settings">Run settings.</param>
/// <param name="ends">Where the run is told of its execution's end as it happens, when the platform says so (the local runner).</param>
public sealed class StartRun(IObjectStore objects, ICloudRunJobsClient jobs, IOptions<RunSettings> settings, IExecutionEnds? ends = null) : IActivity<StartRunInput, StartRunResult>
{
    /// <inheritdoc />
    public async Task<StartRunResult> RunAsync(StartRunInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var attempt = input.Attempt;
        var prefix = RunnerContract.AttemptPrefix(attempt.BatchId, attempt.Nonce, attempt.TaskId, attempt.RunIndex, attempt.Attempt);
        var record = prefix + RunnerContract.ExecutionObject;
        if (await ReadTextAsync(objects, record, cancellationToken).ConfigureAwait(false) is { } recorded)
        {
            Watch(recorded, input.RunInstanceId);
            return new StartRunResult(recorded, 0);
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [RunnerContract.SpecUriVariable] = input.SpecUri,
            [RunnerContract.PrefixVariable] = settings.Value.Uri(prefix),
            [RunnerContract.AttemptVariable] = attempt.Attempt.ToString(CultureInfo.InvariantCulture),
        };
        // The task timeout of the execution: the work's timeoutSeconds plus setup and uploads, never less.
        var timeout = AttemptTimeLimits.Default.ExecutionTimeout(input.TimeoutSeconds);
        var started = await jobs.RunExecutionAsync(input.JobId, environment, timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        var result = await RecordAsync(objects, record, started, cancellationToken).ConfigureAwait(false);
        if (result.Execution is { } execution)
        {
            Watch(execution, input.RunInstanceId);
        }

        return result;
    }

    private void Watch(string execution, string? runInstanceId)
    {
        if (ends is not null && !string.IsNullOrEmpty(runInstanceId))
        {
            ends.Watch(execution, runInstanceId);
        }
    }

    /// <summary>What a start left: throttled, or the started execution's name recorded at <paramref name="record"/>
    /// (created if absent: a repeat that raced the first record returns the name recorded first).</summary>
    internal static async Task<StartRunResult> RecordAsync(IObjectStore objects, string record, RunExecutionResult started, CancellationToken cancellationToken)
    {
        if (started.Outcome == RunExecutionOutcome.Throttled || started.ExecutionName is null)
        {
            return new StartRunResult(null, started.RetryAfter.TotalSeconds);
        }

        OrchestrationTelemetry.ExecutionsStarted.Add(1);
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(started.ExecutionName));
        var put = await objects.PutIfAbsentAsync(record, body, "text/plain", cancellationToken).ConfigureAwait(false);
        if (!put.Created && await ReadTextAsync(objects, record, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return new StartRunResult(earlier, 0);
        }

        return new StartRunResult(started.ExecutionName, 0);
    }

    internal static async Task<string?> ReadTextAsync(IObjectStore objects, string name, CancellationToken cancellationToken)
    {
        await using var content = await objects.GetAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        return content is null ? null : Encoding.UTF8.GetString(await content.ReadAllBytesAsync(cancellationToken).ConfigureAwait(false)).Trim();
    }
}
