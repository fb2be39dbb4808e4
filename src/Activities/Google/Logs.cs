using Microsoft.Extensions.Logging;

namespace Orchestration.Activities.Google;

/// <summary>Source-generated log messages of the Google adapters (stable event ids 1200-1299).</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Creating Cloud Run job {JobId}")]
    public static partial void CreatingJob(this ILogger logger, string jobId);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Cloud Run job {JobId} already exists (409)")]
    public static partial void JobAlreadyExists(this ILogger logger, string jobId);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Cloud Run job {JobId} is ready")]
    public static partial void JobReady(this ILogger logger, string jobId);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Started execution {ExecutionName} of job {JobId}")]
    public static partial void ExecutionStarted(this ILogger logger, string jobId, string executionName);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Start of job {JobId} throttled (status {Status}); retry after {RetryAfter}")]
    public static partial void StartThrottled(this ILogger logger, string jobId, int status, TimeSpan retryAfter);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Warning, Message = "Start of job {JobId} failed ambiguously ({Code}); not retried: a duplicate execution would exit at the claim")]
    public static partial void StartAmbiguous(this ILogger logger, string jobId, string code);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Information, Message = "Cancel of {ExecutionName} ignored: {Reason}")]
    public static partial void CancelIgnored(this ILogger logger, string executionName, string reason);

    [LoggerMessage(EventId = 1210, Level = LogLevel.Debug, Message = "Object {ObjectName} already exists (412)")]
    public static partial void ObjectAlreadyExists(this ILogger logger, string objectName);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Debug, Message = "Resumable upload of {ObjectName} resumed at byte {Offset}")]
    public static partial void UploadResumed(this ILogger logger, string objectName, long offset);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Warning, Message = "Retrying {Method} {Path} after {Outcome} (attempt {Attempt})")]
    public static partial void Retrying(this ILogger logger, string method, string path, string outcome, int attempt);
}
