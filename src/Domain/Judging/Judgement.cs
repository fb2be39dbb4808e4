namespace Orchestration.Domain.Judging;

/// <summary>The verdict on one run: its outcome and the flags that fired.</summary>
/// <remarks>Flags are independent of the outcome: a failed or timed-out run may be flagged.</remarks>
public sealed record Judgement
{
    /// <summary>The outcome.</summary>
    public required RunOutcome Outcome { get; init; }

    /// <summary>Why, in plain words; null for a plain pass.</summary>
    public string? Reason { get; init; }

    /// <summary>Names of the flag rules that fired, distinct and in ordinal order.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];

    /// <summary>True when flag rules saw less than the whole response (runner cap or judge cap).</summary>
    public bool ResponseTruncated { get; init; }

    /// <summary>A fault that should trip the batch circuit breaker, if any.</summary>
    public BatchFault? BatchFault { get; init; }

    /// <summary>Flag rules that could not be evaluated (missing file, not JSON, regex timeout), as
    /// <c>name: message</c>; such a rule does not fire.</summary>
    public IReadOnlyList<string> FlagProblems { get; init; } = [];
}
