namespace Orchestration.Server;

/// <summary>The standalone host's log messages (event ids 4000-4099; the queue reader 4050-4069). Ids and counts only.</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Repaired {Count} batches at start")]
    public static partial void Repaired(ILogger logger, int count);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Orphan reaper pass failed")]
    public static partial void ReapFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Batch {BatchId} submitted (new: {Created}, runs: {Runs})")]
    public static partial void Submitted(ILogger logger, string batchId, bool created, int runs);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Batch {BatchId}: detached on interrupt")]
    public static partial void Detached(ILogger logger, string batchId);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Batch {BatchId}: cancel requested")]
    public static partial void CancelRequested(ILogger logger, string batchId);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Retention sweep failed")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "{Method} {Path} answered {StatusCode} in {ElapsedMs} ms")]
    public static partial void Request(ILogger logger, string method, string path, int statusCode, long elapsedMs);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Background host {Pid} driving {DataFolder}")]
    public static partial void BackgroundStarted(ILogger logger, string dataFolder, int pid);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Information, Message = "Background host: no batch is pending or running; stopping")]
    public static partial void BackgroundIdle(ILogger logger);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Information, Message = "Background host: another host asked for the data folder; handing over")]
    public static partial void BackgroundHandingOver(ILogger logger);

    [LoggerMessage(EventId = 4050, Level = LogLevel.Information, Message = "Reading queue {Queue} at {Endpoint}")]
    public static partial void QueueReading(ILogger logger, string queue, string endpoint);

    [LoggerMessage(EventId = 4051, Level = LogLevel.Warning, Message = "Queue unreachable; trying again after the poll interval")]
    public static partial void QueueReceiveFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4052, Level = LogLevel.Warning, Message = "Queue message {MessageId} failed on delivery {DequeueCount}; it is delivered again or poisoned")]
    public static partial void QueueMessageFailed(ILogger logger, string messageId, long dequeueCount, Exception exception);
}
