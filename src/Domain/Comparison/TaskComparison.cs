namespace Orchestration.Domain.Comparison;

/// <summary>One task of A against its match in B.</summary>
public sealed record TaskComparison : ScopeComparison
{
    /// <summary>The task id in A.</summary>
    public required string TaskA { get; init; }

    /// <summary>The task id in B (the same as <see cref="TaskA"/> unless mapped).</summary>
    public required string TaskB { get; init; }
}
