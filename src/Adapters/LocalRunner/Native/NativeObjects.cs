using Microsoft.Extensions.Options;
using Orchestration.Activities.Storage;
using Orchestration.Adapters.Storage;

namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary><c>gs://BUCKET/OBJECT</c> on the local object store, with the runner accounts' grants the gcloud stand-in enforces.</summary>
/// <remarks>
/// The runner's accounts may create objects under GCLOUD_STANDIN_WRITE_PREFIXES (default <c>runs/</c>) and
/// read under GCLOUD_STANDIN_READ_PREFIXES (default <c>inputs/ runs/</c>); a variable set to empty grants
/// nothing, <c>*</c> grants everything. The messages are the stand-in's (and real gcloud's), so stderr.txt reads alike.
/// </remarks>
internal sealed class NativeObjects(string objectsRoot, IReadOnlyDictionary<string, string> environment)
{
    private const string Account = "runner@standin.iam.gserviceaccount.com";

    private readonly Dictionary<string, LocalFolderObjectStore> _buckets = new(StringComparer.Ordinal);

    /// <summary>Splits <c>gs://b/o</c>; false when it is not such a URI.</summary>
    public static bool TryParse(string uri, out string bucket, out string name)
    {
        bucket = name = string.Empty;
        if (!uri.StartsWith("gs://", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = uri[5..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return false;
        }

        bucket = rest[..slash];
        name = rest[(slash + 1)..];
        return !bucket.Contains('\\', StringComparison.Ordinal) && bucket is not ("." or "..");
    }

    /// <summary>Reads an object (a pinned generation is accepted and ignored, see <see cref="PinnedGeneration"/>), or throws <see cref="NativeStorageException"/> as gcloud would fail.</summary>
    public async Task<byte[]> ReadAsync(string uri, string? generation, CancellationToken cancellationToken)
    {
        var (store, name) = Resolve(uri, "get");
        long? wanted = PinnedGeneration(generation);
        await using var content = await Get(store, name, wanted, cancellationToken) ?? throw NoMatch(uri);
        return await content.ReadAllBytesAsync(cancellationToken);
    }

    /// <summary>The generation a read asks the local store for: none. Like the gcloud stand-in, a "#GENERATION" pin is
    /// accepted and ignored locally: local generations are file times on this machine, so a pin taken from GCS (a batch
    /// document written for the cloud) could never match, and a local run of it would fail for no reason of its own.</summary>
    private static long? PinnedGeneration(string? generation)
    {
        _ = generation;
        return null;
    }

    /// <summary>Copies an object to a file (temp + rename), or throws <see cref="NativeStorageException"/> as gcloud would fail.</summary>
    public async Task DownloadAsync(string uri, string? generation, string path, CancellationToken cancellationToken)
    {
        var (store, name) = Resolve(uri, "get");
        long? wanted = PinnedGeneration(generation);
        await using var content = await Get(store, name, wanted, cancellationToken) ?? throw NoMatch(uri);
        var temp = path + ".download";
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            await content.Stream.CopyToAsync(file, cancellationToken);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Names under a prefix URI (ending in '/'), each checked against the read grant.</summary>
    public async Task<List<string>> ListAsync(string prefixUri, CancellationToken cancellationToken)
    {
        var (store, prefix) = Resolve(prefixUri, permission: null);
        var names = new List<string>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(prefix, token, 1000, cancellationToken);
            names.AddRange(page.Items.Select(i => i.Name));
            token = page.NextPageToken;
        }
        while (token is not null);
        if (names.Count == 0)
        {
            throw NoMatch(prefixUri + "*");
        }

        foreach (var name in names)
        {
            Require("get", name);
        }

        return names;
    }

    /// <summary>Creates an object only if absent. An existing one with the same bytes counts as stored (a resumed upload).</summary>
    /// <param name="uri">gs://BUCKET/OBJECT.</param>
    /// <param name="bytes">The object's bytes.</param>
    /// <param name="durable">False to skip the fsync (still atomic and create-if-absent), for objects a machine crash
    /// may lose: see <see cref="LocalFolderObjectStore.CreateIfAbsentAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>True when this call stored it, false when it was already stored with these bytes.</returns>
    /// <exception cref="NativeStorageException">Not granted, or stored with other bytes.</exception>
    public async Task<bool> CreateAsync(string uri, byte[] bytes, bool durable, CancellationToken cancellationToken)
    {
        var (store, name) = Resolve(uri, "create");
        using var stream = new MemoryStream(bytes, writable: false);
        if (await store.CreateIfAbsentAsync(name, stream, contentType: null, durable, cancellationToken))
        {
            return true;
        }

        var existing = await Get(store, name, null, cancellationToken);
        if (existing is null)
        {
            throw new NativeStorageException("HTTPError 412: At least one of the pre-conditions you specified did not hold.", preconditionFailed: true);
        }

        await using (existing)
        {
            if ((await existing.ReadAllBytesAsync(cancellationToken)).AsSpan().SequenceEqual(bytes))
            {
                return false;
            }
        }

        throw new NativeStorageException("HTTPError 412: At least one of the pre-conditions you specified did not hold.", preconditionFailed: true);
    }

    /// <summary>Creates an object only if absent, durably (the claim: a machine crash must not lose it, or the attempt
    /// could run twice); false (and nothing written) when it exists, whatever its bytes.</summary>
    public async Task<bool> TryCreateAsync(string uri, byte[] bytes, CancellationToken cancellationToken)
    {
        var (store, name) = Resolve(uri, "create");
        using var stream = new MemoryStream(bytes, writable: false);
        return await store.CreateIfAbsentAsync(name, stream, contentType: null, durable: true, cancellationToken);
    }

    private static async Task<ObjectContent?> Get(LocalFolderObjectStore store, string name, long? generation, CancellationToken cancellationToken)
    {
        try
        {
            return await store.GetAsync(name, generation, cancellationToken);
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static NativeStorageException NoMatch(string uri) =>
        new($"The following URLs matched no objects or files:\n-{uri}");

    private (LocalFolderObjectStore Store, string Name) Resolve(string uri, string? permission)
    {
        if (!TryParse(uri, out var bucket, out var name) || name.Length == 0)
        {
            throw new NativeStorageException($"invalid URL: {uri}");
        }

        if (permission is not null)
        {
            Require(permission, name);
        }

        if (!_buckets.TryGetValue(bucket, out var store))
        {
            var options = Options.Create(new LocalFolderObjectStoreOptions { Root = Path.Combine(objectsRoot, bucket) });
            store = new LocalFolderObjectStore(options);
            _buckets[bucket] = store;
        }

        try
        {
            _ = store.PathOf(name.EndsWith('/') ? name + "x" : name);
        }
        catch (ArgumentException)
        {
            throw new NativeStorageException($"invalid object name: {uri}");
        }

        return (store, name);
    }

    private void Require(string permission, string name)
    {
        var (variable, fallback) = permission == "create" ? ("GCLOUD_STANDIN_WRITE_PREFIXES", "runs/") : ("GCLOUD_STANDIN_READ_PREFIXES", "inputs/ runs/");
        var prefixes = environment.TryGetValue(variable, out var set) ? set : fallback;
        if (prefixes.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries).Any(p => p == "*" || name.StartsWith(p, StringComparison.Ordinal)))
        {
            return;
        }

        throw new NativeStorageException(
            $"HTTPError 403: {Account} does not have storage.objects.{permission} access to the Google Cloud Storage object. Permission 'storage.objects.{permission}' denied on resource (or it may not exist).");
    }
}
