using Microsoft.Extensions.Logging;

namespace Orchestration.Engine;

/// <summary>The engine's log messages (source-generated, stable event ids).</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Embedded durable engine started on {DatabasePath}")]
    public static partial void EngineStarted(ILogger logger, string databasePath);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Embedded durable engine stopped after {Commits} commits")]
    public static partial void EngineStopped(ILogger logger, long commits);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Error, Message = "A group commit of {Operations} operations failed")]
    public static partial void CommitFailed(ILogger logger, int operations, Exception exception);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Error, Message = "An orchestration dispatch round failed; retrying")]
    public static partial void RoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Warning, Message = "Commit of an episode of {InstanceId} failed; it will replay from history")]
    public static partial void EpisodeCommitFailed(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(EventId = 1113, Level = LogLevel.Warning, Message = "Commit of the result of activity {ActivityName} for {InstanceId} failed; it will run again")]
    public static partial void ActivityCommitFailed(ILogger logger, string activityName, string instanceId, Exception exception);

    [LoggerMessage(EventId = 1114, Level = LogLevel.Error, Message = "The activity dispatcher failed; retrying")]
    public static partial void ActivityLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1120, Level = LogLevel.Warning, Message = "Orchestration {InstanceId} failed: {ErrorType}: {ErrorMessage}")]
    public static partial void OrchestrationFailed(ILogger logger, string instanceId, string errorType, string errorMessage);
}
