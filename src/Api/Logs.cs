using Microsoft.Extensions.Logging;

namespace Orchestration.Api;

/// <summary>The API's log messages (event ids 3000-3099; queue submissions 3050-3069). Ids and counts only: never keys, prompts or bodies.</summary>
internal static partial class Logs
{
    public const string Category = "Orchestration.Api";

    [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "Submission rejected with {ProblemCount} problems")]
    public static partial void SubmissionInvalid(ILogger logger, int problemCount);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Submission of batch {BatchId} conflicts with the stored batch")]
    public static partial void SubmissionConflict(ILogger logger, string batchId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Request to {Path} refused: missing or wrong key")]
    public static partial void Unauthorized(ILogger logger, string path);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Request body over {Limit} bytes refused")]
    public static partial void BodyTooLarge(ILogger logger, long limit);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Request body refused: it arrived too slowly")]
    public static partial void BodyTooSlow(ILogger logger);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Debug, Message = "Bundle {Sha256} refused: {Reason}")]
    public static partial void BundleRejected(ILogger logger, string sha256, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Bundle {Sha256} stored")]
    public static partial void BundleStored(ILogger logger, string sha256);

    [LoggerMessage(EventId = 3050, Level = LogLevel.Information, Message = "Queue message {MessageId} submitted batch {BatchId} (new: {Created})")]
    public static partial void QueueSubmissionAccepted(ILogger logger, string messageId, string batchId, bool created);

    [LoggerMessage(EventId = 3051, Level = LogLevel.Warning, Message = "Queue message {MessageId} rejected: {Reason}")]
    public static partial void QueueSubmissionRejected(ILogger logger, string messageId, string reason);
}
