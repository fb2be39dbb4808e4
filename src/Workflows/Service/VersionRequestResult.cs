using System.Text.Json.Serialization;
using Orchestration.Domain;
using Orchestration.Domain.Validation;

namespace Orchestration.Workflows.Service;

/// <summary>How a request for a new results version (a rejudge or a rerun) ended.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<VersionRequestKind>))]
public enum VersionRequestKind
{
    /// <summary>Scheduled: the version will be written.</summary>
    Accepted,

    /// <summary>The request has problems; nothing was stored.</summary>
    Invalid,

    /// <summary>No such batch.</summary>
    NotFound,

    /// <summary>The batch has not finished, is being purged, or has nothing to do.</summary>
    Conflict,
}

/// <summary>What a rejudge or rerun request got.</summary>
/// <param name="Kind">How it ended.</param>
/// <param name="Version">The results version it makes (when accepted).</param>
/// <param name="Problems">Every problem of the request (when invalid).</param>
/// <param name="Reason">Why it conflicts.</param>
/// <param name="Runs">Runs a rerun runs again (0 for a rejudge).</param>
public sealed record VersionRequestResult(VersionRequestKind Kind, int Version, IReadOnlyList<ValidationProblem> Problems, string? Reason, int Runs = 0)
{
    internal static VersionRequestResult Accepted(int version, int runs = 0) => new(VersionRequestKind.Accepted, version, [], null, runs);

    internal static VersionRequestResult Invalid(IReadOnlyList<ValidationProblem> problems) => new(VersionRequestKind.Invalid, 0, problems, null);

    internal static VersionRequestResult Conflict(string reason) => new(VersionRequestKind.Conflict, 0, [], reason);

    internal static VersionRequestResult NotFound { get; } = new(VersionRequestKind.NotFound, 0, [], null);
}
