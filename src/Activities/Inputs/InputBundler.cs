using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Orchestration.Activities.Inputs;

/// <summary>Builds content-addressed input bundles: a deterministic tar (sorted entries, zeroed times and
/// owners, GNU format), named by the SHA-256 of the uncompressed tar, then gzipped.</summary>
/// <remarks>The same files give the same hash on any machine and in any run, so a bundle already in the
/// bucket is reused instead of uploaded again. PAX headers are avoided: they carry a process id.
/// Links are refused rather than followed or silently dropped, so what runs is what the user sees.</remarks>
/// <param name="options">Excludes and limits.</param>
public sealed class InputBundler(BundleOptions options)
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode ExecutableMode = FileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode FolderMode = ExecutableMode | UnixFileMode.UserWrite;

    /// <summary>Builds a bundle from named entries.</summary>
    /// <param name="entries">The inputs.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The bundle in a temporary file.</returns>
    public async Task<BuiltBundle> BuildAsync(IReadOnlyList<BundleEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var items = Collect(entries);
        var tarPath = Path.GetTempFileName();
        var gzipPath = Path.GetTempFileName();
        try
        {
            string sha;
            long tarBytes;
            await using (var tarFile = File.Create(tarPath))
            {
                await WriteTarAsync(tarFile, items, cancellationToken).ConfigureAwait(false);
                tarBytes = tarFile.Length;
            }

            if (tarBytes > options.MaxTarBytes)
            {
                throw new BundleException($"The inputs come to {tarBytes} bytes uncompressed; at most {options.MaxTarBytes} are bundled.");
            }

            await using (var tarRead = File.OpenRead(tarPath))
            {
                sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(tarRead, cancellationToken).ConfigureAwait(false));
            }

            await using (var tarRead = File.OpenRead(tarPath))
            await using (var gzipFile = File.Create(gzipPath))
            await using (var gzip = new GZipStream(gzipFile, CompressionLevel.Optimal))
            {
                await tarRead.CopyToAsync(gzip, cancellationToken).ConfigureAwait(false);
            }

            return new BuiltBundle(sha, gzipPath, tarBytes, new FileInfo(gzipPath).Length);
        }
        catch
        {
            File.Delete(gzipPath);
            throw;
        }
        finally
        {
            File.Delete(tarPath);
        }
    }

    private List<(string Name, BundleEntry? Inline, FileSystemInfo? Local)> Collect(IReadOnlyList<BundleEntry> entries)
    {
        var items = new List<(string Name, BundleEntry? Inline, FileSystemInfo? Local)>();
        var folders = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            AddParents(folders, entry.Name);
            if (entry.Content is not null)
            {
                items.Add((entry.Name, entry, null));
            }
            else if (entry.LocalPath is { } path)
            {
                CollectLocal(items, folders, entry.Name, path);
            }
            else
            {
                throw new BundleException($"Input '{entry.Name}' has neither content nor a path.");
            }
        }

        items.AddRange(folders.Select(f => (f + "/", (BundleEntry?)null, (FileSystemInfo?)null)));
        items.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (var i = 1; i < items.Count; i++)
        {
            if (items[i].Name == items[i - 1].Name)
            {
                throw new BundleException($"Two inputs write '{items[i].Name}'.");
            }
        }

        return items;
    }

    private void CollectLocal(List<(string, BundleEntry?, FileSystemInfo?)> items, SortedSet<string> folders, string name, string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            throw new BundleException($"Input '{name}' is a link ({path}); links are not bundled.");
        }

        if (info.Exists)
        {
            items.Add((name, null, info));
            return;
        }

        var folder = new DirectoryInfo(path);
        if (!folder.Exists)
        {
            throw new BundleException($"Input '{name}': {path} does not exist.");
        }

        folders.Add(name);
        Walk(items, folders, name, folder);
    }

    private void Walk(List<(string, BundleEntry?, FileSystemInfo?)> items, SortedSet<string> folders, string prefix, DirectoryInfo folder)
    {
        foreach (var child in folder.EnumerateFileSystemInfos())
        {
            var name = prefix + "/" + child.Name;
            if (child.LinkTarget is not null)
            {
                throw new BundleException($"{child.FullName} is a link; links are not bundled (remove it or exclude its folder).");
            }

            if (child is DirectoryInfo sub)
            {
                if (options.ExcludedFolders.Contains(child.Name, StringComparer.Ordinal))
                {
                    continue;
                }

                folders.Add(name);
                Walk(items, folders, name, sub);
            }
            else
            {
                items.Add((name, null, child));
            }
        }
    }

    private static void AddParents(SortedSet<string> folders, string name)
    {
        for (var slash = name.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = name.IndexOf('/', slash + 1))
        {
            folders.Add(name[..slash]);
        }
    }

    private static async Task WriteTarAsync(Stream output, List<(string Name, BundleEntry? Inline, FileSystemInfo? Local)> items, CancellationToken cancellationToken)
    {
        await using var writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true);
        foreach (var (name, inline, local) in items)
        {
            if (name.EndsWith('/'))
            {
                await writer.WriteEntryAsync(Entry(TarEntryType.Directory, name, FolderMode), cancellationToken).ConfigureAwait(false);
                continue;
            }

            var executable = local is FileInfo file && !OperatingSystem.IsWindows()
                && (File.GetUnixFileMode(file.FullName) & UnixFileMode.UserExecute) != 0;
            var entry = Entry(TarEntryType.RegularFile, name, executable ? ExecutableMode : FileMode);
            await using var data = inline is not null
                ? new MemoryStream(inline.Content!.Value.ToArray(), writable: false)
                : (Stream)File.OpenRead(local!.FullName);
            entry.DataStream = data;
            await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }

    private static GnuTarEntry Entry(TarEntryType type, string name, UnixFileMode mode) => new(type, name)
    {
        Mode = mode,
        ModificationTime = DateTimeOffset.UnixEpoch,
        AccessTime = DateTimeOffset.UnixEpoch,
        ChangeTime = DateTimeOffset.UnixEpoch,
        Uid = 0,
        Gid = 0,
        UserName = "",
        GroupName = "",
    };
}
