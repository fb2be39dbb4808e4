using System.Text.Json.Serialization;

namespace Orchestration.Api;

/// <summary>An RFC 9457 problem details document.</summary>
/// <param name="Type">A URI naming the kind of problem.</param>
/// <param name="Title">A short summary of the kind.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Detail">What went wrong with this request.</param>
/// <param name="Errors">Every validation problem, by path, when the request was invalid.</param>
public sealed record ApiProblem(
    string Type,
    string Title,
    int Status,
    string? Detail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ApiProblemError>? Errors = null);
