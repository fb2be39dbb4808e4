using Microsoft.Extensions.Logging;

namespace Orchestration.Functions;

/// <summary>The Functions host's own log messages (the shared code logs the rest).</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Repaired {Count} batches (scheduled or purged)")]
    public static partial void Repaired(ILogger logger, int count);
}
