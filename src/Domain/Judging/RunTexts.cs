namespace Orchestration.Domain.Judging;

/// <summary>The captured texts of one attempt that flag rules may read.</summary>
/// <param name="Response">The content of <c>response.txt</c> (Claude's final text or the command's stdout); null when absent,
/// in which case a Claude run falls back to the summary's <c>result</c>.</param>
/// <param name="Stdout">The content of <c>stdout.txt</c>, when a rule reads it; null reads as empty.</param>
/// <param name="Stderr">The content of <c>stderr.txt</c>, when a rule reads it; null reads as empty.</param>
public sealed record RunTexts(string? Response, string? Stdout = null, string? Stderr = null);
