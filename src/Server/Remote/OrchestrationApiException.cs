using System.Net;
using Orchestration.Api;

namespace Orchestration.Server.Remote;

/// <summary>The API answered with an error: its HTTP status and, when it sent one, the problem details document.</summary>
/// <param name="status">The HTTP status.</param>
/// <param name="problem">The RFC 9457 problem, or null when the body was not one.</param>
/// <param name="body">The start of a body that was not a problem document (for the message).</param>
internal sealed class OrchestrationApiException(HttpStatusCode status, ApiProblem? problem, string? body)
    : Exception(problem?.Detail ?? problem?.Title ?? $"HTTP {(int)status}")
{
    public HttpStatusCode Status { get; } = status;

    public ApiProblem? Problem { get; } = problem;

    public string? Body { get; } = body;

    /// <summary>The exit code a command returns for this answer.</summary>
    public int ExitCode => (int)Status switch
    {
        400 or 413 or 415 or 422 => ExitCodes.Refused,
        401 or 403 => ExitCodes.Unauthorized,
        404 => ExitCodes.NotFound,
        409 => ExitCodes.Conflict,
        _ => ExitCodes.Unavailable,
    };
}
