namespace Orchestration.Api.Queue;

/// <summary>Reads a batch document that was too large for a queue message and was stored as a blob in
/// the same storage account.</summary>
public interface ISubmissionBlobReader
{
    /// <summary>The only container a blob reference may name (<c>Orchestration:Queue:BlobContainer</c>).</summary>
    string AllowedContainer { get; }

    /// <summary>The largest referenced document, in bytes (<c>Orchestration:Queue:MaxBlobBytes</c>).</summary>
    long MaxBytes { get; }

    /// <summary>Reads <paramref name="container"/>/<paramref name="name"/> if it is at most <paramref name="maxBytes"/> long.</summary>
    /// <remarks>A missing or oversized blob is an outcome (the message is rejected); anything else that
    /// fails is an exception, so the message is delivered again.</remarks>
    /// <param name="container">The container (already checked against the allowed one).</param>
    /// <param name="name">The blob name (already checked for traversal).</param>
    /// <param name="maxBytes">The largest document accepted.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The content, or why there is none.</returns>
    Task<SubmissionBlob> ReadAsync(string container, string name, long maxBytes, CancellationToken cancellationToken = default);
}
