namespace Orchestration.Workflows;

/// <summary>A chunk's share of the batch's cost cap.</summary>
public sealed partial record ChunkInput
{
    /// <summary>The cap and what the chunks before this one spent; null in a batch without a cap.</summary>
    public ChunkBudget? Budget { get; init; }
}
