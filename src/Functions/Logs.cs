using Microsoft.Extensions.Logging;

namespace Orchestration.Functions;

/// <summary>The Functions host's log messages (event ids 7000-7099); ids, counts and reasons only, never content.</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Orphan reaper: {Cancelled} execution(s) cancelled, {Deleted} job(s) deleted")]
    public static partial void Reaped(ILogger logger, int cancelled, int deleted);
}
