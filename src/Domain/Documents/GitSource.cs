namespace Orchestration.Domain.Documents;

/// <summary>A git repository input.</summary>
public sealed record GitSource
{
    /// <summary>The clone URL (https).</summary>
    public string? Url { get; init; }

    /// <summary>A branch, tag or commit; pinned to a commit SHA when the batch is prepared.</summary>
    public string? Ref { get; init; }
}
