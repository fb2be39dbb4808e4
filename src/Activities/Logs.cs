using Microsoft.Extensions.Logging;

namespace Orchestration.Activities;

/// <summary>The activities' log messages: stable event ids, structured placeholders, never secrets or prompts.</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Webhook to {Host} answered {StatusCode} (delivered: {Delivered})")]
    public static partial void WebhookAnswered(ILogger logger, string host, int statusCode, bool delivered);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Webhook to {Host} failed: {ErrorType}")]
    public static partial void WebhookFailed(ILogger logger, string host, string errorType);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Webhook to {Host} refused: {Reason}")]
    public static partial void WebhookRefused(ILogger logger, string host, string reason);
}
