namespace Orchestration.Domain.Documents;

/// <summary>When a command run passes.</summary>
public sealed record PassRule
{
    /// <summary>Exit codes that pass (default <c>[0]</c>).</summary>
    public IReadOnlyList<int>? ExitCodes { get; init; }
}
