namespace Orchestration.Domain.Comparison;

/// <summary>Batch A against batch B: per matched task and overall.</summary>
public sealed record BatchComparison
{
    /// <summary>A's id.</summary>
    public required string A { get; init; }

    /// <summary>B's id.</summary>
    public required string B { get; init; }

    /// <summary>The difference in rates that <see cref="RateComparison.RunsNeeded"/> is computed for.</summary>
    public required double DetectableDifference { get; init; }

    /// <summary>The rule behind every verdict, in words.</summary>
    public string Rule { get; init; } = BatchComparer.Rule;

    /// <summary>The matched tasks, in A's order.</summary>
    public required IReadOnlyList<TaskComparison> Tasks { get; init; }

    /// <summary>All matched tasks pooled: their passed and failed (and flagged) counts summed on each side.</summary>
    public required ScopeComparison Overall { get; init; }

    /// <summary>Tasks of A with no match in B.</summary>
    public IReadOnlyList<string> UnmatchedA { get; init; } = [];

    /// <summary>Tasks of B with no match in A.</summary>
    public IReadOnlyList<string> UnmatchedB { get; init; } = [];
}
