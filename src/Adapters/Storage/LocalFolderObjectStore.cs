using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Orchestration.Activities.Storage;

namespace Orchestration.Adapters.Storage;

/// <summary>
/// <see cref="IObjectStore"/> on a local folder with the GCS semantics the product relies on: atomic
/// create-if-absent, crash-safe replacing writes, generations, prefix listings with page tokens.
/// </summary>
/// <remarks>
/// Object <c>a/b</c> is the file <c>{root}/a/b</c>, so the runner's storage shim and a person can read
/// the same tree. Writes go to a temp file that is flushed to disk and then linked into place:
/// create-if-absent uses link(2), which fails if the name exists (File.Move without overwrite
/// checks then renames on Unix, a race), replacing writes use rename. A reader never sees a partial
/// file. The generation is the file's modification time in microseconds since the epoch (like GCS),
/// bumped past the previous version's so it always grows. Names cannot escape the root: empty,
/// <c>.</c> and <c>..</c> segments, backslashes and NUL are refused, as is the store's own folder
/// <c>.orchestration</c> (temp files, and the content-type/custom-time sidecars of earlier versions). An object's
/// content type and custom time, when not the defaults, live in its file's extended attribute
/// <c>user.orchestration.meta</c> (Linux), set on the temp file before it is linked into place, so the object and its
/// metadata appear together and no second file is created; where the file system refuses user attributes they go to a
/// sidecar file under <c>.orchestration/meta</c> as before, and a sidecar an earlier version wrote is still read.
/// Objects are fsync'd before they are linked into place (this assembly's own callers may opt out for objects a
/// machine crash may lose, see <see cref="CreateIfAbsentAsync"/>); sidecars are not (a crash may lose them, and a lost
/// one reads as the default content type and no custom time).
/// </remarks>
/// <param name="options">Root folder and page size.</param>
/// <param name="timeProvider">Clock for generations (system clock when null).</param>
public sealed class LocalFolderObjectStore(IOptions<LocalFolderObjectStoreOptions> options, TimeProvider? timeProvider = null) : IObjectStore
{
    private const string DefaultContentType = "application/octet-stream";
    private const string StoreFolder = ".orchestration";

    /// <summary>The extended attribute holding an object's metadata (the sidecar's JSON).</summary>
    private const string MetaAttribute = "user.orchestration.meta";

    /// <summary>Objects up to this size are read whole at open, with plain reads (see <see cref="ReadWhole"/>).</summary>
    private const int SmallObjectBytes = 256 * 1024;

    private readonly string _root = Path.GetFullPath(options.Value.Root);
    private readonly int _pageSize = options.Value.ListPageSize;
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private volatile bool _tempFolderMade;
    private volatile bool _attributesRefused = !OperatingSystem.IsLinux();

    /// <summary>Whether metadata goes to extended attributes (false once the file system refused one; tests set it).</summary>
    internal bool UsesAttributes
    {
        get => !_attributesRefused;
        set => _attributesRefused = !value;
    }

    private string TempFolder => Path.Combine(_root, StoreFolder, "tmp");

    private string MetaFolder => Path.Combine(_root, StoreFolder, "meta");

    /// <inheritdoc />
    public async Task<PutIfAbsentResult> PutIfAbsentAsync(string name, Stream content, string? contentType = null, CancellationToken cancellationToken = default)
    {
        if (!await CreateIfAbsentAsync(name, content, contentType, durable: true, cancellationToken))
        {
            return new PutIfAbsentResult(false, null);
        }

        return new PutIfAbsentResult(true, await GetMetadataAsync(name, cancellationToken));
    }

    /// <summary>
    /// <see cref="PutIfAbsentAsync"/> without the metadata read-back, and with the choice not to fsync: the object is
    /// still written whole to a temp file and linked into place (atomic, create-if-absent), only not forced to disk.
    /// </summary>
    /// <remarks>
    /// <paramref name="durable"/> false is for objects a machine crash (power loss, kernel panic) may lose: a process
    /// crash keeps the page cache, so only a machine crash can lose an unsynced object, and that crash kills the work
    /// that wrote it too. The caller must be content with the object then reading as absent (or, on file systems that
    /// allocate late, as empty). Claims and results, which the engine acts on, stay durable.
    /// </remarks>
    /// <param name="name">Object name.</param>
    /// <param name="content">The bytes.</param>
    /// <param name="contentType">Content type, null for the default.</param>
    /// <param name="durable">True to fsync the bytes before they are linked into place.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True when this call created the object, false when the name existed.</returns>
    internal async Task<bool> CreateIfAbsentAsync(string name, Stream content, string? contentType, bool durable, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        if (File.Exists(path))
        {
            return false;
        }

        var temp = await WriteTempAsync(content, previousGeneration: 0, durable, cancellationToken);
        var meta = MetaJson(contentType, customTime: null);
        var inAttribute = meta is null || TrySetAttribute(temp, meta);
        try
        {
            if (!TryLink(temp, path))
            {
                return false;
            }
        }
        finally
        {
            File.Delete(temp);
        }

        // A new object: no sidecar of an earlier one under this name is left (DeleteAsync removes the sidecar before the
        // object), so only metadata the attribute could not take needs one.
        if (!inAttribute)
        {
            await WriteSidecarAsync(name, meta!, cancellationToken);
        }

        return true;
    }

    /// <inheritdoc />
    public async Task<ObjectMetadata> PutAsync(string name, Stream content, string? contentType = null, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        var previous = File.Exists(path) ? GenerationOf(File.GetLastWriteTimeUtc(path)) : 0;
        var temp = await WriteTempAsync(content, previous, durable: true, cancellationToken);
        var meta = MetaJson(contentType, customTime: null);
        var inAttribute = meta is null || TrySetAttribute(temp, meta);
        try
        {
            MoveReplacing(temp, path);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        if (inAttribute)
        {
            // The replaced object's sidecar (an earlier version's, or one written where attributes were refused) goes.
            DeleteFile(SidecarPath(name));
        }
        else
        {
            await WriteSidecarAsync(name, meta!, cancellationToken);
        }

        return await GetMetadataAsync(name, cancellationToken)
            ?? throw new IOException($"Object '{name}' vanished right after it was written.");
    }

    /// <inheritdoc />
    public async Task<ObjectContent?> GetAsync(string name, long? generation = null, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            // Absent is a common answer (a result not written yet): a stat spares the exception; the catch covers a race.
            return null;
        }

        FileStream stream;
        try
        {
            // Unbuffered: readers take whole objects in large reads, and a FileStream buffer (80 KiB) per
            // read allocated most of a large batch's memory traffic.
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, useAsync: true);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        var current = GenerationOf(File.GetLastWriteTimeUtc(stream.SafeFileHandle));
        if (generation is { } wanted && wanted != current)
        {
            await stream.DisposeAsync();
            return null;
        }

        var length = stream.Length;
        if (length <= SmallObjectBytes)
        {
            await using (stream)
            {
                return new ObjectContent(new MemoryStream(ReadWhole(stream, length), writable: false), current, length);
            }
        }

        return new ObjectContent(stream, current, length);
    }

    /// <inheritdoc />
    public async Task<ObjectMetadata?> GetMetadataAsync(string name, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(PathOf(name));
        if (!info.Exists)
        {
            return null;
        }

        var sidecar = await ReadSidecarAsync(name, cancellationToken);
        var written = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
        var updated = sidecar.Updated is { } u && u > written ? u : written;
        return new ObjectMetadata(name, info.Length, GenerationOf(info.LastWriteTimeUtc), sidecar.ContentType ?? DefaultContentType, updated, sidecar.CustomTime);
    }

    /// <inheritdoc />
    public async Task<ObjectMetadata?> SetCustomTimeAsync(string name, DateTimeOffset customTime, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(PathOf(name)))
        {
            return null;
        }

        var sidecar = await ReadSidecarAsync(name, cancellationToken);
        if (sidecar.CustomTime is null || customTime > sidecar.CustomTime)
        {
            var meta = MetaJson(sidecar.ContentType, customTime)!;
            if (TrySetAttribute(PathOf(name), meta))
            {
                DeleteFile(SidecarPath(name));
            }
            else
            {
                await WriteSidecarAsync(name, meta, cancellationToken);
            }
        }

        return await GetMetadataAsync(name, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ObjectPage> ListAsync(string prefix, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var after = pageToken is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(pageToken));
        var size = Math.Max(1, pageSize ?? _pageSize);
        var names = EnumerateNames(prefix)
            .Where(n => after is null || string.CompareOrdinal(n, after) > 0)
            .Order(StringComparer.Ordinal)
            .Take(size + 1)
            .ToList();
        var items = new List<ObjectMetadata>(Math.Min(size, names.Count));
        foreach (var name in names.Take(size))
        {
            if (await GetMetadataAsync(name, cancellationToken) is { } metadata)
            {
                items.Add(metadata);
            }
        }

        var next = names.Count > size ? Convert.ToBase64String(Encoding.UTF8.GetBytes(names[size - 1])) : null;
        return new ObjectPage(items, next);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        var existed = File.Exists(path);
        // The sidecar first: a crash in between leaves the object with the default metadata, never a sidecar that a
        // later object of the same name would inherit (CreateIfAbsentAsync writes none for the default).
        DeleteFile(SidecarPath(name));
        DeleteFile(path);
        PruneEmptyFolders(Path.GetDirectoryName(path));
        return Task.FromResult(existed);
    }

    /// <inheritdoc />
    public async Task<int> DeleteByPrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var deleted = 0;
        foreach (var name in EnumerateNames(prefix).ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await DeleteAsync(name, cancellationToken))
            {
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>Maps a name to its file, refusing any name that could leave the root.</summary>
    /// <param name="name">Object name.</param>
    /// <returns>The full path under the root.</returns>
    internal string PathOf(string name)
    {
        ObjectNames.Validate(name);
        var segments = name.Split('/');
        if (segments.Any(s => s.Length == 0 || s is "." or ".." || s.Contains('\\', StringComparison.Ordinal) || s.Contains('\0', StringComparison.Ordinal))
            || segments[0] == StoreFolder)
        {
            throw new ArgumentException($"Object name '{name}' is not allowed in a local folder store.", nameof(name));
        }

        var path = Path.GetFullPath(Path.Combine([_root, .. segments]));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Object name '{name}' escapes the store root.", nameof(name));
        }

        return path;
    }

    /// <summary>Deletes a file; a missing file or folder is fine (a concurrent delete got there first).</summary>
    private static void DeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static long GenerationOf(DateTime lastWriteUtc) => (lastWriteUtc.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    private static bool TryLink(string temp, string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                // MoveFileEx without REPLACE_EXISTING is atomic there.
                try
                {
                    File.Move(temp, path, overwrite: false);
                    return true;
                }
                catch (IOException) when (File.Exists(path))
                {
                    return false;
                }
            }

            if (NativeMethods.Link(temp, path) == 0)
            {
                return true;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == NativeMethods.EEXIST)
            {
                return false;
            }

            // ENOENT: the folder does not exist yet (it is created on demand, not before every link, which would cost a
            // stat per object), or a concurrent delete pruned it between create and link: create it and link again.
            if (errno != NativeMethods.ENOENT || attempt >= 3)
            {
                throw new IOException($"link({temp}, {path}) failed with errno {errno}.");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
    }

    private static void MoveReplacing(string temp, string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.Move(temp, path, overwrite: true);
                return;
            }
            catch (DirectoryNotFoundException) when (attempt < 3)
            {
                // See TryLink.
            }
        }
    }

    private async Task<string> WriteTempAsync(Stream content, long previousGeneration, bool durable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var temp = Path.Combine(TempFolder, Guid.NewGuid().ToString("N"));
        try
        {
            // Unbuffered: CopyToAsync writes in large chunks already (see GetAsync on the buffer's cost).
            await using (var file = CreateTemp(temp))
            {
                if (content is MemoryStream memory)
                {
                    WriteWhole(memory, file);
                }
                else
                {
                    await content.CopyToAsync(file, cancellationToken);
                    await file.FlushAsync(cancellationToken);
                }

                if (durable)
                {
#pragma warning disable CA1849 // fsync has no async form; the data must be on disk before the rename.
                    file.Flush(flushToDisk: true);
#pragma warning restore CA1849
                }

                var now = (_time.GetUtcNow().UtcTicks - DateTime.UnixEpoch.Ticks) / 10;
                var generation = Math.Max(now, previousGeneration + 1);
                File.SetLastWriteTimeUtc(file.SafeFileHandle, new DateTime(DateTime.UnixEpoch.Ticks + (generation * 10), DateTimeKind.Utc));
            }

            return temp;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Reads a small file whole with plain reads.</summary>
    /// <remarks>On Linux an asynchronous file read or write is a synchronous one run on another thread-pool thread:
    /// for a small object the hop (a queued work item, a thread woken, a continuation) costs more than the read, and a
    /// local batch reads and writes several small objects per run. Large objects stay streamed asynchronously.</remarks>
    private static byte[] ReadWhole(FileStream file, long length)
    {
        var bytes = new byte[length];
        var read = file.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);

        // A file that shrank while being read (a replacing write renames, so only an outside writer can) reads as its bytes so far.
        return read == bytes.Length ? bytes : bytes[..read];
    }

    /// <summary>Writes in-memory content with a plain write (see <see cref="ReadWhole"/> on why not asynchronously).</summary>
    private static void WriteWhole(MemoryStream content, FileStream file) => content.CopyTo(file);

    /// <summary>Creates a temp file; the temp folder is made once per store (and again if someone removed it).</summary>
    private FileStream CreateTemp(string temp)
    {
        if (!_tempFolderMade)
        {
            Directory.CreateDirectory(TempFolder);
            _tempFolderMade = true;
        }

        try
        {
            return new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, useAsync: true);
        }
        catch (DirectoryNotFoundException)
        {
            Directory.CreateDirectory(TempFolder);
            return new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, useAsync: true);
        }
    }

    private IEnumerable<string> EnumerateNames(string prefix)
    {
        var folder = _root;
        var slash = prefix.LastIndexOf('/');
        if (slash > 0)
        {
            var candidate = Path.GetFullPath(Path.Combine(_root, prefix[..slash]));
            if (!candidate.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !Directory.Exists(candidate))
            {
                return [];
            }

            folder = candidate;
        }
        else if (!Directory.Exists(folder))
        {
            return [];
        }

        var storeFolder = Path.Combine(_root, StoreFolder) + Path.DirectorySeparatorChar;
        var walk = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        return Directory.EnumerateFiles(folder, "*", walk)
            .Where(p => !p.StartsWith(storeFolder, StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(_root, p).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal));
    }

    private void PruneEmptyFolders(string? folder)
    {
        while (folder is not null && folder.Length > _root.Length && folder.StartsWith(_root, StringComparison.Ordinal))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    return;
                }

                Directory.Delete(folder);
            }
            catch (IOException)
            {
                return;
            }

            folder = Path.GetDirectoryName(folder);
        }
    }

    private string SidecarPath(string name) => Path.Combine(MetaFolder, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(name))) + ".json");

    /// <summary>Writes the metadata <paramref name="json"/> (never the defaults, which need none) to the object's sidecar,
    /// where its attribute could not take it.</summary>
    private async Task WriteSidecarAsync(string name, byte[] json, CancellationToken cancellationToken)
    {
        var path = SidecarPath(name);
        Directory.CreateDirectory(MetaFolder);
        var temp = Path.Combine(TempFolder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(TempFolder);
        // Not fsync'd: a sidecar only holds the content type and custom time, which a crash may lose (a
        // missing or unreadable sidecar reads as the defaults) without touching the object, which is.
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true))
        {
            await file.WriteAsync(json, cancellationToken);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The metadata's JSON (the sidecar's form), or null for the defaults, which need none.</summary>
    private byte[]? MetaJson(string? contentType, DateTimeOffset? customTime) =>
        (contentType is null || contentType == DefaultContentType) && customTime is null
            ? null
            : JsonSerializer.SerializeToUtf8Bytes(new Sidecar(contentType, customTime, _time.GetUtcNow()), SidecarJsonContext.Default.Sidecar);

    /// <summary>Sets the metadata attribute of a file; false when the file system refuses user attributes (then the
    /// store stops trying) or the call failed otherwise, for a sidecar to take the metadata.</summary>
    private bool TrySetAttribute(string path, byte[] json)
    {
        if (_attributesRefused)
        {
            return false;
        }

        if (NativeMethods.SetAttribute(path, MetaAttribute, json, (nuint)json.Length, 0) == 0)
        {
            return true;
        }

        if (Marshal.GetLastPInvokeError() is NativeMethods.ENOTSUP or NativeMethods.EPERM)
        {
            _attributesRefused = true;
        }

        return false;
    }

    /// <summary>The metadata attribute of a file, or null when it has none (or attributes are not used).</summary>
    private Sidecar? ReadAttribute(string path)
    {
        if (_attributesRefused)
        {
            return null;
        }

        var buffer = new byte[512];
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var length = NativeMethods.GetAttribute(path, MetaAttribute, buffer, (nuint)buffer.Length);
            if (length >= 0)
            {
                try
                {
                    return JsonSerializer.Deserialize(buffer.AsSpan(0, (int)length), SidecarJsonContext.Default.Sidecar);
                }
                catch (JsonException)
                {
                    return null;
                }
            }

            if (Marshal.GetLastPInvokeError() != NativeMethods.ERANGE)
            {
                return null;
            }

            var size = NativeMethods.GetAttribute(path, MetaAttribute, null, 0);
            if (size <= 0)
            {
                return null;
            }

            buffer = new byte[size];
        }

        return null;
    }

    private async Task<Sidecar> ReadSidecarAsync(string name, CancellationToken cancellationToken)
    {
        if (ReadAttribute(PathOf(name)) is { } attribute)
        {
            return attribute;
        }

        var path = SidecarPath(name);
        if (!File.Exists(path))
        {
            // Most objects have none (default content type, no custom time): a stat spares the exception.
            return Sidecar.Empty;
        }

        try
        {
            await using var file = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync(file, SidecarJsonContext.Default.Sidecar, cancellationToken) ?? Sidecar.Empty;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return Sidecar.Empty;
        }
    }

    /// <summary>An object's content type and custom time: its file's metadata attribute, else one small file per object under the store's <c>meta</c> folder.</summary>
    internal sealed record Sidecar(string? ContentType, DateTimeOffset? CustomTime, DateTimeOffset? Updated)
    {
        public static readonly Sidecar Empty = new(null, null, null);
    }
}

/// <summary>Generated metadata of <see cref="LocalFolderObjectStore.Sidecar"/>, with the serializer's default settings
/// (PascalCase names): the sidecars' form since the store's first version, which a restarted host reads back.</summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(LocalFolderObjectStore.Sidecar))]
internal sealed partial class SidecarJsonContext : JsonSerializerContext;
