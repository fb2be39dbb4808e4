namespace Orchestration.Domain.Aggregation;

/// <summary>The aggregate of one task.</summary>
public sealed record TaskAggregate : AggregateStats
{
    /// <summary>The task's ordinal.</summary>
    public int Ordinal { get; init; }

    /// <summary>The task id.</summary>
    public string Id { get; init; } = string.Empty;
}
