using Microsoft.Extensions.Logging;

namespace Orchestration.Functions;

/// <summary>The Functions host's log messages (event ids 7000-7099); ids, counts and reasons only, never content.</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Orphan reaper: {Cancelled} execution(s) cancelled, {Deleted} job(s) deleted")]
    public static partial void Reaped(ILogger logger, int cancelled, int deleted);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Queued submission {MessageId} accepted as batch {BatchId}")]
    public static partial void QueueAccepted(ILogger logger, string messageId, string batchId);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Queued submission {MessageId} rejected to the poison queue: {Reason}")]
    public static partial void QueueRejected(ILogger logger, string messageId, string reason);
}
