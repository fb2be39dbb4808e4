namespace Orchestration.Domain.Documents;

/// <summary>Where one named input comes from: exactly one member is set.</summary>
public sealed record InputSource
{
    /// <summary>Inline UTF-8 text, written as a file.</summary>
    public string? Text { get; init; }

    /// <summary>Inline bytes, base64-encoded, written as a file.</summary>
    public string? Base64 { get; init; }

    /// <summary>A <c>gs://bucket/object</c> or a <c>gs://bucket/prefix/</c> folder.</summary>
    public string? Gcs { get; init; }

    /// <summary>A git repository at a ref.</summary>
    public GitSource? Git { get; init; }

    /// <summary>The SHA-256 of a bundle uploaded with <c>PUT /api/inputs/{sha256}</c>.</summary>
    public string? Bundle { get; init; }

    /// <summary>A local file or folder (local mode, or under a configured root).</summary>
    public string? Path { get; init; }
}
