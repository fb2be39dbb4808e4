using System.Text.Json.Serialization;

namespace Orchestration.Domain;

/// <summary>Where a batch stands, as the batch store records it and the status document shows it.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<BatchStatus>))]
public enum BatchStatus
{
    /// <summary>Stored; the orchestration has not prepared it yet.</summary>
    Pending,

    /// <summary>Prepared and running.</summary>
    Running,

    /// <summary>Every run finished and the aggregate is persisted.</summary>
    Completed,

    /// <summary>Cancelled by a client; unfinished runs count as cancelled.</summary>
    Cancelled,

    /// <summary>Stopped by a batch-level fault (circuit breaker) or an orchestration failure.</summary>
    Failed,

    /// <summary>Terminated through the durable backend, outside the product's own cancel.</summary>
    Terminated,

    /// <summary>Being purged: the id answers conflict until the purge has finished.</summary>
    Purging,

    /// <summary>Stopped by its cost cap (<c>maxCostUsd</c>): no more runs started, the runs in flight finished, and
    /// runs never started count as skipped.</summary>
    Stopped,
}
