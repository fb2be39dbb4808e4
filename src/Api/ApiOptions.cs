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

    /// <summary>Time limit for reading a batch document body, in seconds (408 beyond).</summary>
    [Range(1, 3600)]
    public int MaxBodySeconds { get; set; } = 60;

    /// <summary>Time limit for reading a bundle body, in seconds (408 beyond).</summary>
    [Range(1, 86_400)]
    public int MaxBundleSeconds { get; set; } = 1800;

    /// <summary>Slowest accepted body, in bytes per second after <see cref="MinBodyRateGraceSeconds"/> (the
    /// connection is closed below it).</summary>
    [Range(1, double.MaxValue)]
    public double MinBodyBytesPerSecond { get; set; } = 4096;

    /// <summary>How long a body may start slower than <see cref="MinBodyBytesPerSecond"/>, in seconds.</summary>
    [Range(2, 600)]
    public int MinBodyRateGraceSeconds { get; set; } = 5;

    /// <summary>How much of an over-limit body is still read and discarded, so a client that writes its whole
    /// body before reading gets the 413 instead of a reset connection, in bytes past the limit.</summary>
    [Range(0, long.MaxValue)]
    public long MaxDrainBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Time limit for that drain, in seconds; then the 413 is sent and the connection closed.</summary>
    [Range(1, 3600)]
    public int DrainSeconds { get; set; } = 60;

    /// <summary>Longest <c>?wait=</c> of a status long poll, in seconds.</summary>
    [Range(0, 230)]
    public int MaxWaitSeconds { get; set; } = 60;

    /// <summary>Page size when <c>top</c> is not given.</summary>
    [Range(1, 10_000)]
    public int DefaultPageSize { get; set; } = 100;

    /// <summary>Largest <c>top</c> accepted.</summary>
    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = 1000;
}
