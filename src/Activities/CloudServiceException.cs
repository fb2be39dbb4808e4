namespace Orchestration.Activities;

/// <summary>
/// A service error answered by Cloud Storage, Cloud Run (or a local stand-in of either): the HTTP
/// status, the gRPC-style code (<c>NOT_FOUND</c>, <c>ALREADY_EXISTS</c>, <c>FAILED_PRECONDITION</c>,
/// <c>RESOURCE_EXHAUSTED</c>, <c>UNAVAILABLE</c>, ...) and the service's message.
/// </summary>
/// <remarks>
/// One exception type for every adapter, so callers (activities, retry policies) decide on
/// <see cref="Status"/> / <see cref="Code"/> alone. Transport failures that outlived the retries
/// (timeouts, refused connections) are reported as <c>DEADLINE_EXCEEDED</c> (504) or
/// <c>UNAVAILABLE</c> (503) with the original exception as the inner one.
/// </remarks>
public sealed class CloudServiceException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="status">HTTP status of the answer (504/503 for transport failures).</param>
    /// <param name="code">gRPC-style code; when null it is derived from <paramref name="status"/>.</param>
    /// <param name="message">The service's message.</param>
    /// <param name="reason">A finer reason when the service gives one (GCS <c>conditionNotMet</c>).</param>
    /// <param name="innerException">The transport exception, if any.</param>
    public CloudServiceException(int status, string? code, string message, string? reason = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        Code = string.IsNullOrEmpty(code) ? CodeForStatus(status) : code;
        Reason = reason;
    }

    /// <summary>HTTP status of the answer.</summary>
    public int Status { get; }

    /// <summary>gRPC-style status code, e.g. <c>NOT_FOUND</c>.</summary>
    public string Code { get; }

    /// <summary>A finer reason when the service gives one, else null.</summary>
    public string? Reason { get; }

    /// <summary>True when the same request may succeed later (408, 429, 5xx but 501).</summary>
    public bool IsTransient => Status is 408 or 429 || (Status >= 500 && Status != 501);

    /// <summary>True for 404 / NOT_FOUND.</summary>
    public bool IsNotFound => Status == 404;

    /// <summary>Maps an HTTP status to the gRPC code Google's HTTP mapping uses for it.</summary>
    /// <param name="status">HTTP status.</param>
    /// <returns>The code, <c>UNKNOWN</c> for statuses without a mapping.</returns>
    public static string CodeForStatus(int status) => status switch
    {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        408 => "DEADLINE_EXCEEDED",
        409 => "ALREADY_EXISTS",
        412 => "FAILED_PRECONDITION",
        429 => "RESOURCE_EXHAUSTED",
        499 => "CANCELLED",
        500 => "INTERNAL",
        501 => "UNIMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ => "UNKNOWN",
    };
}
