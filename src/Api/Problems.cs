using Microsoft.AspNetCore.Http;
using Orchestration.Domain;

namespace Orchestration.Api;

/// <summary>Builds problem details responses (<c>application/problem+json</c>).</summary>
internal static class Problems
{
    private const string TypePrefix = "urn:orchestration:problem:";

    public static IResult Validation(string detail, IEnumerable<ApiProblemError> errors) =>
        Of("validation", "The request is invalid.", StatusCodes.Status400BadRequest, detail, [.. errors]);

    public static IResult Parameter(string name, string message) =>
        Validation($"Parameter '{name}' is invalid.", [new ApiProblemError(name, message)]);

    public static IResult BadRequest(string kind, string title, string detail) => Of(kind, title, StatusCodes.Status400BadRequest, detail);

    public static IResult NotFound(string detail) => Of("not-found", "Not found.", StatusCodes.Status404NotFound, detail);

    public static IResult Conflict(string detail) => Of("conflict", "Conflict.", StatusCodes.Status409Conflict, detail);

    public static IResult TooLarge(long limit) =>
        Of("too-large", "The request body is too large.", StatusCodes.Status413PayloadTooLarge, $"At most {limit} bytes are accepted.");

    public static IResult TooSlow() =>
        Of("too-slow", "The request body arrived too slowly.", StatusCodes.Status408RequestTimeout,
            "The body must arrive within the time limit and above the minimum data rate; the connection is closed.");

    public static IResult Unauthorized() =>
        Of("unauthorized", "Unauthorized.", StatusCodes.Status401Unauthorized, "Send a valid key in the x-functions-key header.");

    public static IResult Of(string kind, string title, int status, string? detail, IReadOnlyList<ApiProblemError>? errors = null) =>
        Results.Json(new ApiProblem(TypePrefix + kind, title, status, detail, errors), ApiJson.Rows.Info<ApiProblem>(), "application/problem+json", status);
}
