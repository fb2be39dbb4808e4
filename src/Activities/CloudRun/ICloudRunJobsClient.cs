namespace Orchestration.Activities.CloudRun;

/// <summary>The Cloud Run Jobs port: ensure jobs, start, watch, cancel and list executions.</summary>
/// <remarks>
/// Implemented over the Cloud Run Admin API v2 and, in local mode, by the local runner. Activities run
/// at least once: every method but <see cref="RunExecutionAsync"/> is idempotent; starts are made
/// harmless to repeat by the runner's claim (a duplicate execution exits without doing the work).
/// </remarks>
public interface ICloudRunJobsClient
{
    /// <summary>Most tasks one execution may hold (Cloud Run's limit).</summary>
    const int MaxTaskCount = 10_000;

    /// <summary>Makes sure the job exists and is Ready, creating it if missing.</summary>
    /// <param name="spec">The job's configuration.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The ready job.</returns>
    Task<CloudRunJob> EnsureJobAsync(CloudRunJobSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Starts one execution of <paramref name="taskCount"/> tasks with environment overrides and a task timeout.</summary>
    /// <remarks>
    /// Returns as soon as Cloud Run names the execution (the run operation itself ends only with the
    /// execution). Paced by the per-process start bucket, one token per call whatever the task count (a
    /// pack is one start); a 429 / RESOURCE_EXHAUSTED (rate quota or the running-executions limit) is
    /// <see cref="RunExecutionOutcome.Throttled"/>, not an exception. Never retried after an ambiguous
    /// failure (timeout, 5xx): that throws, and a later attempt's duplicate execution loses at the claim.
    /// Every task gets the same environment; a task tells itself apart by <c>CLOUD_RUN_TASK_INDEX</c>.
    /// </remarks>
    /// <param name="jobId">Job id.</param>
    /// <param name="environment">Env overrides (merged with the job's env).</param>
    /// <param name="timeout">Task timeout of this execution (per task).</param>
    /// <param name="taskCount">Tasks of this execution, 1 to <see cref="MaxTaskCount"/> (<c>overrides.taskCount</c>; 1 is today's single run).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Started with the execution name, or throttled.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="taskCount"/> is outside 1..<see cref="MaxTaskCount"/>, or above what the implementation supports.</exception>
    Task<RunExecutionResult> RunExecutionAsync(string jobId, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, int taskCount = 1, CancellationToken cancellationToken = default);

    /// <summary>Lists the tasks of an execution by index (per-task state of a pack).</summary>
    /// <param name="executionName">Full execution name.</param>
    /// <param name="pageToken">Token from the previous page.</param>
    /// <param name="pageSize">Largest page wanted.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A page of tasks, ordered by index; empty when the execution is gone.</returns>
    Task<CloudRunPage<CloudRunTask>> ListTasksAsync(string executionName, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default);

    /// <summary>Reads an execution.</summary>
    /// <param name="executionName">Full execution name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The execution, or null when Cloud Run no longer has it (never existed, or past retention).</returns>
    Task<CloudRunExecution?> GetExecutionAsync(string executionName, CancellationToken cancellationToken = default);

    /// <summary>Asks Cloud Run to cancel an execution; a finished or missing execution is not an error.</summary>
    /// <param name="executionName">Full execution name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>True when a cancel was requested; false when it was already finished or gone.</returns>
    Task<bool> CancelExecutionAsync(string executionName, CancellationToken cancellationToken = default);

    /// <summary>Lists executions of a job, newest first (for the reaper).</summary>
    /// <param name="jobId">Job id, or <c>-</c> for all jobs of the region.</param>
    /// <param name="pageToken">Token from the previous page.</param>
    /// <param name="pageSize">Largest page wanted.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A page.</returns>
    Task<CloudRunPage<CloudRunExecution>> ListExecutionsAsync(string jobId, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default);

    /// <summary>Lists jobs of the region, filtered client-side by id prefix and labels (this deployment's).</summary>
    /// <param name="idPrefix">Keep jobs whose id starts with this, or null for all.</param>
    /// <param name="labels">Keep jobs carrying all these labels, or null.</param>
    /// <param name="pageToken">Token from the previous page.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A page.</returns>
    Task<CloudRunPage<CloudRunJob>> ListJobsAsync(string? idPrefix = null, IReadOnlyDictionary<string, string>? labels = null, string? pageToken = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a job (the region holds 1,000); a missing job is not an error.</summary>
    /// <param name="jobId">Job id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>True when this call asked for the deletion; false when the job was gone.</returns>
    Task<bool> DeleteJobAsync(string jobId, CancellationToken cancellationToken = default);
}
