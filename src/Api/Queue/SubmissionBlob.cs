namespace Orchestration.Api.Queue;

/// <summary>A referenced batch document, or why it could not be had.</summary>
/// <param name="Status">Found, missing or too large.</param>
/// <param name="Content">The document, when found.</param>
/// <param name="Length">Its size in bytes (0 when missing).</param>
public sealed record SubmissionBlob(SubmissionBlobStatus Status, BinaryData? Content, long Length)
{
    /// <summary>No such blob.</summary>
    public static SubmissionBlob Missing { get; } = new(SubmissionBlobStatus.Missing, null, 0);

    /// <summary>The blob's content.</summary>
    /// <param name="content">The bytes.</param>
    /// <returns>A found blob.</returns>
    public static SubmissionBlob Found(BinaryData content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return new(SubmissionBlobStatus.Found, content, content.ToMemory().Length);
    }

    /// <summary>A blob over the limit.</summary>
    /// <param name="length">Its size.</param>
    /// <returns>A too-large blob.</returns>
    public static SubmissionBlob TooLarge(long length) => new(SubmissionBlobStatus.TooLarge, null, length);
}
