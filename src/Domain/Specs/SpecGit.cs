namespace Orchestration.Domain.Specs;

/// <summary>A git input pinned to a commit.</summary>
/// <param name="Url">The https clone URL.</param>
/// <param name="Ref">The ref the user named.</param>
/// <param name="Commit">The commit SHA it resolved to when the batch was prepared.</param>
public sealed record SpecGit(string Url, string Ref, string Commit);
