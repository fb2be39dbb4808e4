using Orchestration.Domain.Validation;

namespace Orchestration.Workflows.Service;

/// <summary>How a rejudge request ended.</summary>
public enum RejudgeKind
{
    /// <summary>Scheduled: the version will be written.</summary>
    Accepted,

    /// <summary>The rules have problems; nothing was stored.</summary>
    Invalid,

    /// <summary>No such batch.</summary>
    NotFound,

    /// <summary>The batch has not finished (or is being purged).</summary>
    Conflict,
}

/// <summary>What a rejudge request got.</summary>
/// <param name="Kind">How it ended.</param>
/// <param name="Version">The aggregate version it makes (when accepted).</param>
/// <param name="Problems">Every problem of the rules (when invalid).</param>
/// <param name="Reason">Why it conflicts.</param>
public sealed record RejudgeResult(RejudgeKind Kind, int Version, IReadOnlyList<ValidationProblem> Problems, string? Reason)
{
    internal static RejudgeResult Accepted(int version) => new(RejudgeKind.Accepted, version, [], null);

    internal static RejudgeResult Invalid(IReadOnlyList<ValidationProblem> problems) => new(RejudgeKind.Invalid, 0, problems, null);

    internal static RejudgeResult Conflict(string reason) => new(RejudgeKind.Conflict, 0, [], reason);

    internal static RejudgeResult NotFound { get; } = new(RejudgeKind.NotFound, 0, [], null);
}
