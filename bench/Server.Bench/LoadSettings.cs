namespace Orchestration.Server.Bench;

/// <summary>The load bench's arguments.</summary>
/// <param name="Duration">How long submitters and status readers run.</param>
/// <param name="Submitters">Concurrent submitters.</param>
/// <param name="SubmitInterval">Each submitter's pace: one batch per interval (the next one is not held back by a slow answer unless it is later than the slot).</param>
/// <param name="StatusPerSecond">Status requests per second, open loop (sent on schedule whether or not earlier ones answered).</param>
internal sealed record LoadSettings(TimeSpan Duration, int Submitters, TimeSpan SubmitInterval, int StatusPerSecond);
