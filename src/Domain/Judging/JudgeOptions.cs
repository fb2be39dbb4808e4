namespace Orchestration.Domain.Judging;

/// <summary>Limits the judge applies.</summary>
public sealed record JudgeOptions
{
    /// <summary>The defaults: 1 MiB of response, 1 second per regex match.</summary>
    public static JudgeOptions Default { get; } = new();

    /// <summary>UTF-8 bytes of the response that text rules and response <c>jsonPath</c> rules read.</summary>
    /// <remarks>Bounds the judge's time and memory whatever a run prints.</remarks>
    public int MaxResponseBytes { get; init; } = 1024 * 1024;

    /// <summary>The match timeout of a <c>regex</c> rule.</summary>
    public TimeSpan RegexTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many characters of a Claude error message a reason quotes.</summary>
    public int MaxQuotedErrorChars { get; init; } = 300;
}
