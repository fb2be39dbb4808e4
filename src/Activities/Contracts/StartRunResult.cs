namespace Orchestration.Activities.Contracts;

/// <summary>The execution an attempt runs in, or a throttled start to retry later without spending the attempt.</summary>
/// <param name="Execution">The execution name; null when throttled.</param>
/// <param name="RetryAfterSeconds">When throttled, the wait Cloud Run or the pacer suggested.</param>
public sealed record StartRunResult(string? Execution, double RetryAfterSeconds)
{
    /// <summary>Whether the start was throttled.</summary>
    public bool Throttled => Execution is null;
}
