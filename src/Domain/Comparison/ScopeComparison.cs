namespace Orchestration.Domain.Comparison;

/// <summary>The pass rate and flag rates of one scope (a task pair, or all matched tasks) of A against B.</summary>
public record ScopeComparison
{
    /// <summary>The pass rates: passed / (passed + failed).</summary>
    public required RateComparison Pass { get; init; }

    /// <summary>Per flag name defined in both: flagged / (passed + failed), ordinal order.</summary>
    public IReadOnlyDictionary<string, RateComparison> Flags { get; init; } = new SortedDictionary<string, RateComparison>(StringComparer.Ordinal);
}
