namespace Orchestration.Workflows.Service;

/// <summary>A batch's status as <c>GET /api/batches/{id}</c> shows it.</summary>
/// <param name="Id">The batch id.</param>
/// <param name="Status">pending, running, completed, cancelled, failed, terminated, stopped or purging.</param>
/// <param name="CreatedAt">When it was submitted.</param>
/// <param name="LastUpdatedAt">When its status or progress last changed.</param>
/// <param name="Progress">Run counts by phase.</param>
/// <param name="Tasks">Per task counts.</param>
/// <param name="Reason">Why it failed, was cancelled or was stopped.</param>
public sealed record BatchStatusDocument(
    string Id,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt,
    ProgressSummary Progress,
    IReadOnlyList<TaskStatusCounts> Tasks,
    string? Reason);

/// <summary>Run counts by phase.</summary>
/// <param name="Total">Runs planned.</param>
/// <param name="Pending">Not started.</param>
/// <param name="Running">In flight.</param>
/// <param name="Completed">Finished, whatever the outcome.</param>
/// <param name="Packs">Packed executions (one Cloud Run execution working many runs' attempts) of the chunks still
/// running; absent when none was started.</param>
/// <param name="Skipped">Never started because the cost cap stopped the batch.</param>
public sealed record ProgressSummary(int Total, int Pending, int Running, int Completed, PackProgress? Packs = null, int Skipped = 0);

/// <summary>Packed executions of a batch's running chunks.</summary>
/// <param name="Started">Started so far.</param>
/// <param name="Running">Started and still working runs that have not finished.</param>
public sealed record PackProgress(int Started, int Running);

/// <summary>One task's counts.</summary>
/// <param name="Id">The task id.</param>
/// <param name="Runs">Runs planned.</param>
/// <param name="Passed">Passed.</param>
/// <param name="Failed">Failed.</param>
/// <param name="Errored">Errored.</param>
/// <param name="TimedOut">Timed out.</param>
/// <param name="Cancelled">Cancelled.</param>
/// <param name="Flagged">Flagged runs per flag name once the aggregate exists; while the batch runs,
/// live counts only know whether a run had any flag, shown under the name <c>*</c>.</param>
/// <param name="Skipped">Never started because the cost cap stopped the batch.</param>
public sealed record TaskStatusCounts(string Id, int Runs, int Passed, int Failed, int Errored, int TimedOut, int Cancelled, IReadOnlyDictionary<string, int> Flagged, int Skipped = 0);
