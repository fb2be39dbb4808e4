using System.Text.Json.Serialization;

namespace Orchestration.Domain.Polling;

/// <summary>Where a polled attempt stands against its deadlines.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<DeadlineStatus>))]
public enum DeadlineStatus
{
    /// <summary>No deadline has passed.</summary>
    Pending,

    /// <summary>No claim within the start grace: the attempt failed (infrastructure).</summary>
    ClaimMissed,

    /// <summary>Claimed, and claim time + timeout + grace has passed: cancel, outcome timed out.</summary>
    TimedOut,
}
