using Microsoft.Extensions.Logging;

namespace Orchestration.Adapters;

/// <summary>Source-generated log messages of the adapters: stable event ids (Google adapters
/// 1200-1299, webhooks 1300-1399, local runner 1400-1499, the poison queue writer 3052 as before the move), structured placeholders, never secrets or prompts.</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 3052, Level = LogLevel.Information, Message = "Queue message {MessageId} moved to the poison queue after {DequeueCount} deliveries")]
    public static partial void PoisonWritten(ILogger logger, string messageId, long dequeueCount);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Debug, Message = "Creating Cloud Run job {JobId}")]
    public static partial void CreatingJob(this ILogger logger, string jobId);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Debug, Message = "Cloud Run job {JobId} already exists (409)")]
    public static partial void JobAlreadyExists(this ILogger logger, string jobId);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Debug, Message = "Cloud Run job {JobId} is ready")]
    public static partial void JobReady(this ILogger logger, string jobId);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Debug, Message = "Started execution {ExecutionName} of job {JobId}")]
    public static partial void ExecutionStarted(this ILogger logger, string jobId, string executionName);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Start of job {JobId} throttled (status {Status}); retry after {RetryAfter}")]
    public static partial void StartThrottled(this ILogger logger, string jobId, int status, TimeSpan retryAfter);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Warning, Message = "Start of job {JobId} failed ambiguously ({Code}); not retried: a duplicate execution would exit at the claim")]
    public static partial void StartAmbiguous(this ILogger logger, string jobId, string code);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Debug, Message = "Cancel of {ExecutionName} ignored: {Reason}")]
    public static partial void CancelIgnored(this ILogger logger, string executionName, string reason);

    [LoggerMessage(EventId = 1210, Level = LogLevel.Debug, Message = "Object {ObjectName} already exists (412)")]
    public static partial void ObjectAlreadyExists(this ILogger logger, string objectName);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Warning, Message = "Retrying {Method} {Path} after {Outcome} (attempt {Attempt})")]
    public static partial void Retrying(this ILogger logger, string method, string path, string outcome, int attempt);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Webhook to {Host} answered {StatusCode} (delivered: {Delivered})")]
    public static partial void WebhookAnswered(ILogger logger, string host, int statusCode, bool delivered);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Webhook to {Host} failed: {ErrorType}")]
    public static partial void WebhookFailed(ILogger logger, string host, string errorType);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Webhook to {Host} refused: {Reason}")]
    public static partial void WebhookRefused(ILogger logger, string host, string reason);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Debug, Message = "Local job {JobId} recorded")]
    public static partial void LocalJobRecorded(this ILogger logger, string jobId);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Debug, Message = "Local execution {ExecutionName} of job {JobId} queued")]
    public static partial void LocalExecutionQueued(this ILogger logger, string jobId, string executionName);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Debug, Message = "Local execution {ExecutionName} launched (pid {Pid})")]
    public static partial void LocalExecutionLaunched(this ILogger logger, string executionName, int pid);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Debug, Message = "Local execution {ExecutionName} ended {State} ({Reason})")]
    public static partial void LocalExecutionFinished(this ILogger logger, string executionName, Activities.CloudRun.CloudRunExecutionState state, string reason);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Debug, Message = "Re-adopted local execution {ExecutionName} (pid {Pid}) started by an earlier host")]
    public static partial void LocalExecutionAdopted(this ILogger logger, string executionName, int pid);

    [LoggerMessage(EventId = 1406, Level = LogLevel.Warning, Message = "Local execution {ExecutionName} passed its timeout {Timeout}: SIGTERM to its process group")]
    public static partial void LocalExecutionTimedOut(this ILogger logger, string executionName, TimeSpan timeout);

    [LoggerMessage(EventId = 1407, Level = LogLevel.Warning, Message = "Local execution {ExecutionName} still running {Grace} after SIGTERM: SIGKILL to its process group")]
    public static partial void LocalExecutionKilled(this ILogger logger, string executionName, TimeSpan grace);

    [LoggerMessage(EventId = 1408, Level = LogLevel.Debug, Message = "Cancel of local execution {ExecutionName} requested")]
    public static partial void LocalCancelRequested(this ILogger logger, string executionName);

    [LoggerMessage(EventId = 1409, Level = LogLevel.Debug, Message = "Cancel of local execution {ExecutionName} ignored: {Reason}")]
    public static partial void LocalCancelIgnored(this ILogger logger, string executionName, string reason);

    [LoggerMessage(EventId = 1410, Level = LogLevel.Warning, Message = "Local start of job {JobId} throttled; retry after {RetryAfter}")]
    public static partial void LocalStartThrottled(this ILogger logger, string jobId, TimeSpan retryAfter);

    [LoggerMessage(EventId = 1411, Level = LogLevel.Warning, Message = "Local execution {ExecutionName}: no local value for secret {SecretId}, variable {Variable} omitted")]
    public static partial void LocalSecretMissing(this ILogger logger, string executionName, string variable, string secretId);

    [LoggerMessage(EventId = 1412, Level = LogLevel.Error, Message = "Local execution {ExecutionName} could not be launched")]
    public static partial void LocalLaunchFailed(this ILogger logger, string executionName, Exception exception);

    [LoggerMessage(EventId = 1413, Level = LogLevel.Warning, Message = "Local runner watcher pass failed; retrying at the next poll")]
    public static partial void LocalWatchFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1414, Level = LogLevel.Warning, Message = "Workspace of local execution {ExecutionName} not deleted: {ErrorType}")]
    public static partial void LocalWorkspaceNotDeleted(this ILogger logger, string executionName, string errorType);

    [LoggerMessage(EventId = 1415, Level = LogLevel.Information, Message = "runner: [{Execution}] {Message}")]
    public static partial void NativeRunnerNote(this ILogger logger, string execution, string message);

    [LoggerMessage(EventId = 1416, Level = LogLevel.Information, Message = "runner: duplicate execution: the attempt is claimed by {Owner}; exiting ({Execution})")]
    public static partial void NativeDuplicate(this ILogger logger, string execution, string owner);

    [LoggerMessage(EventId = 1417, Level = LogLevel.Debug, Message = "Native execution {Execution}: work handed to the spawner")]
    public static partial void NativeWorkLaunched(this ILogger logger, string execution);

    [LoggerMessage(EventId = 1418, Level = LogLevel.Error, Message = "Native execution {Execution}: the work could not be launched")]
    public static partial void NativeWorkNotLaunched(this ILogger logger, string execution, Exception exception);

    [LoggerMessage(EventId = 1419, Level = LogLevel.Error, Message = "Native driver of local execution {ExecutionName} failed")]
    public static partial void NativeDriverFailed(this ILogger logger, string executionName, Exception exception);

    [LoggerMessage(EventId = 1420, Level = LogLevel.Debug, Message = "Native driver of local execution {ExecutionName} started (resumed: {Resumed})")]
    public static partial void NativeDriverStarted(this ILogger logger, string executionName, bool resumed);
}
