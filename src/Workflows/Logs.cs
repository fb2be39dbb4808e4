using Microsoft.Extensions.Logging;

namespace Orchestration.Workflows;

/// <summary>The batch service's log messages: ids and counts only, never prompts, commands or secrets.</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Batch {BatchId} submitted (new: {Created}, runs: {Runs})")]
    public static partial void Submitted(ILogger logger, string batchId, bool created, int runs);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Cancel requested for batch {BatchId}")]
    public static partial void CancelRequested(ILogger logger, string batchId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Batch {BatchId} purged")]
    public static partial void Purged(ILogger logger, string batchId);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Debug, Message = "Purge of batch {BatchId} scheduled as {InstanceId}")]
    public static partial void PurgeScheduled(ILogger logger, string batchId, string instanceId);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Batch {BatchId} reruns {Runs} runs as results version {Version}")]
    public static partial void RerunScheduled(ILogger logger, string batchId, int version, int runs);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Orphan reaper cancelled {Cancelled} executions and deleted {JobsDeleted} unused jobs")]
    public static partial void Reaped(ILogger logger, int cancelled, int jobsDeleted);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Retention started the purge of {Purged} batches finished before {FinishedBefore}")]
    public static partial void RetentionSwept(ILogger logger, int purged, DateTimeOffset finishedBefore);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "Run {InstanceId} could not be told that its execution ended; it polls at its next poll time")]
    public static partial void RunWakeFailed(ILogger logger, string instanceId, Exception exception);
}
