using System.ComponentModel.DataAnnotations;

namespace Orchestration.Api;

/// <summary>Limits and keys of the HTTP API, shared by both hosts.</summary>
public sealed class ApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Orchestration:Api";

    /// <summary>Accepted values of the <c>x-functions-key</c> header.</summary>
    /// <remarks>Empty turns authentication off; the standalone host decides when that is allowed (loopback only).</remarks>
    public IList<string> Keys { get; } = [];

    /// <summary>Largest batch document accepted by <c>POST /api/batches</c>, in bytes (413 beyond).</summary>
    [Range(1, long.MaxValue)]
    public long MaxBodyBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>Largest compressed bundle accepted by <c>PUT /api/inputs/{sha256}</c>, in bytes (413 beyond).</summary>
    /// <remarks>The uncompressed size is limited separately by the batch service.</remarks>
    [Range(1, long.MaxValue)]
    public long MaxBundleBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Page size when <c>top</c> is not given.</summary>
    [Range(1, 10_000)]
    public int DefaultPageSize { get; set; } = 100;

    /// <summary>Largest <c>top</c> accepted.</summary>
    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = 1000;
}
