using Orchestration.Activities;
using Orchestration.Durable;

namespace Orchestration.Workflows;

/// <summary>Retry options of activity calls: durable, orchestrator-side retries for service errors, none
/// for failures retrying cannot fix.</summary>
internal static class ActivityOptions
{
    private static readonly string[] Permanent =
    [
        typeof(PreparationException).FullName!,
        typeof(ArgumentException).FullName!,
        typeof(ArgumentNullException).FullName!,
        typeof(InvalidDataException).FullName!,
    ];

    /// <summary>Retries with backoff 2 s, 4 s, 8 s... up to a minute.</summary>
    /// <param name="attempts">Attempts in all.</param>
    /// <returns>The options.</returns>
    public static TaskOptions Retrying(int attempts) => TaskOptions.FromRetryPolicy(new RetryPolicy(attempts, TimeSpan.FromSeconds(2), 2, TimeSpan.FromMinutes(1))
    {
        HandleFailure = failure => !Permanent.Contains(failure.ErrorType, StringComparer.Ordinal),
    });
}
