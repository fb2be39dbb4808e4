namespace Orchestration.Activities.Storage;

/// <summary>
/// The object store port: GCS in the cloud, a folder in local mode. Flat names, generations,
/// create-if-absent, listing by prefix.
/// </summary>
/// <remarks>
/// Activities run at least once, so every method is safe to repeat: put-if-absent reports the second
/// call as "already there", deletes of missing objects succeed, metadata patches set absolute values.
/// </remarks>
public interface IObjectStore
{
    /// <summary>Creates the object only if no live version exists (GCS <c>ifGenerationMatch=0</c>).</summary>
    /// <remarks>
    /// The claim and content-addressed bundles rely on it. A retried create whose first attempt did land
    /// reports <c>Created = false</c>: callers treat "already there" as success of the same content.
    /// </remarks>
    /// <param name="name">Object name.</param>
    /// <param name="content">The bytes (read once, forward only).</param>
    /// <param name="contentType">Content type; defaults to <c>application/octet-stream</c>.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>Created, or already there.</returns>
    Task<PutIfAbsentResult> PutIfAbsentAsync(string name, Stream content, string? contentType = null, CancellationToken cancellationToken = default);

    /// <summary>Writes the object, replacing any live version.</summary>
    /// <remarks>Retried on transient failures: only for writers that put the same bytes again when repeated.</remarks>
    /// <param name="name">Object name.</param>
    /// <param name="content">The bytes (read once, forward only).</param>
    /// <param name="contentType">Content type; defaults to <c>application/octet-stream</c>.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The new version's metadata.</returns>
    Task<ObjectMetadata> PutAsync(string name, Stream content, string? contentType = null, CancellationToken cancellationToken = default);

    /// <summary>Opens the object for reading.</summary>
    /// <param name="name">Object name.</param>
    /// <param name="generation">A pinned generation, or null for the live version.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The content, or null when the object (or that generation) does not exist.</returns>
    Task<ObjectContent?> GetAsync(string name, long? generation = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the object's metadata.</summary>
    /// <param name="name">Object name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The metadata, or null when the object does not exist.</returns>
    Task<ObjectMetadata?> GetMetadataAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Sets the object's custom time (bundle reuse refresh).</summary>
    /// <remarks>GCS never moves custom time backwards: an earlier value than the current one is kept as is.</remarks>
    /// <param name="name">Object name.</param>
    /// <param name="customTime">The new custom time.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The updated metadata, or null when the object does not exist.</returns>
    Task<ObjectMetadata?> SetCustomTimeAsync(string name, DateTimeOffset customTime, CancellationToken cancellationToken = default);

    /// <summary>Lists objects whose names start with <paramref name="prefix"/>, one page at a time.</summary>
    /// <param name="prefix">Name prefix (empty for all).</param>
    /// <param name="pageToken">Token from the previous page, or null for the first.</param>
    /// <param name="pageSize">Largest page wanted, or null for the store's default.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The page.</returns>
    Task<ObjectPage> ListAsync(string prefix, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes one object; a missing object is not an error.</summary>
    /// <param name="name">Object name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>True when this call deleted it.</returns>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes every object whose name starts with <paramref name="prefix"/> (purge).</summary>
    /// <param name="prefix">Name prefix; must not be empty.</param>
    /// <param name="cancellationToken">Cancels the purge (a repeated call finishes it).</param>
    /// <returns>The number of objects deleted by this call.</returns>
    Task<int> DeleteByPrefixAsync(string prefix, CancellationToken cancellationToken = default);
}
