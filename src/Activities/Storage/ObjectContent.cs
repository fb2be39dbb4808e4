namespace Orchestration.Activities.Storage;

/// <summary>An open download: the bytes as a stream plus the metadata of the version being read.</summary>
/// <remarks>Dispose it: it holds the HTTP response or file handle until then.</remarks>
public sealed class ObjectContent : IAsyncDisposable, IDisposable
{
    private readonly IDisposable? _owner;

    /// <summary>Creates the content.</summary>
    /// <param name="stream">The bytes.</param>
    /// <param name="generation">Generation being read.</param>
    /// <param name="length">Length in bytes, when known.</param>
    /// <param name="owner">Disposed with the content (e.g. the HTTP response).</param>
    public ObjectContent(Stream stream, long generation, long? length, IDisposable? owner = null)
    {
        Stream = stream;
        Generation = generation;
        Length = length;
        _owner = owner;
    }

    /// <summary>The object's bytes, read forward only.</summary>
    public Stream Stream { get; }

    /// <summary>The generation of the version being read.</summary>
    public long Generation { get; }

    /// <summary>Length in bytes, when known.</summary>
    public long? Length { get; }

    /// <summary>Reads the rest of the stream into memory.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The bytes.</returns>
    public async Task<byte[]> ReadAllBytesAsync(CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await Stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        _owner?.Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Stream.Dispose();
        _owner?.Dispose();
    }
}
