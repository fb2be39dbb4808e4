namespace Orchestration.Domain.Judging;

/// <summary>An output file that a flag rule names, copied by the runner into <c>result.json</c>.</summary>
/// <param name="Content">The file's text (UTF-8), possibly cut at the runner's cap.</param>
/// <param name="Truncated">True when the runner cut the content.</param>
public sealed record CopiedFile(string Content, bool Truncated);
