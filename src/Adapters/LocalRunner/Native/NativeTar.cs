using System.Formats.Tar;
using System.IO.Compression;

namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>Input bundles (checked, then extracted) and the output tarball, without the tar program.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class NativeTar
{
    /// <summary>
    /// Refuses a bundle holding anything but regular files and folders, absolute names or '..' segments
    /// (runner-lib.js <c>check-tar</c>); null when it is acceptable.
    /// </summary>
    /// <param name="bundle">The .tar.gz file.</param>
    /// <returns>The refusal, or null.</returns>
    public static string? Check(string bundle)
    {
        try
        {
            using var file = File.OpenRead(bundle);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
                {
                    continue;
                }

                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile or TarEntryType.Directory))
                {
                    return $"the bundle holds a link or special file: {entry.Name}";
                }

                if (entry.Name.StartsWith('/'))
                {
                    return $"the bundle holds an absolute path: {entry.Name}";
                }

                if (entry.Name.Split('/').Any(s => s == ".."))
                {
                    return $"the bundle holds a path with '..': {entry.Name}";
                }
            }

            return null;
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException or IOException)
        {
            return $"not a tar.gz ({ex.Message})";
        }
    }

    /// <summary>Extracts a checked bundle into <paramref name="destination"/>, replacing files, without owners (like <c>tar -xzf --no-same-owner</c>).</summary>
    public static void Extract(string bundle, string destination)
    {
        using var file = File.OpenRead(bundle);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        TarFile.ExtractToDirectory(gzip, destination, overwriteFiles: true);
    }

    /// <summary>
    /// Packs a folder as <c>tar -czf OUT -C FOLDER .</c> does, deterministically: GNU format, names
    /// <c>./…</c> in ordinal order, owners 0, each entry's mode and modification time from the file.
    /// </summary>
    /// <returns>Entries skipped (neither file, folder, link nor FIFO: sockets and devices).</returns>
    public static List<string> Pack(string folder, string output)
    {
        var skipped = new List<string>();
        var temp = output + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using var gzip = new GZipStream(file, CompressionLevel.Optimal);
            using var writer = new TarWriter(gzip, TarEntryFormat.Gnu, leaveOpen: false);
            writer.WriteEntry(Directory(folder, "./"));
            PackFolder(writer, folder, "./", skipped);
        }

        File.Move(temp, output, overwrite: true);
        return skipped;
    }

    private static void PackFolder(TarWriter writer, string folder, string prefix, List<string> skipped)
    {
        var entries = new DirectoryInfo(folder).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var info in entries)
        {
            var name = prefix + info.Name;
            if (info.LinkTarget is { } target)
            {
                writer.WriteEntry(new GnuTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, ModificationTime = info.LastWriteTimeUtc, Mode = (UnixFileMode)0x1ff });
            }
            else if (info is DirectoryInfo)
            {
                writer.WriteEntry(Directory(info.FullName, name + "/"));
                PackFolder(writer, info.FullName, name + "/", skipped);
            }
            else if (info is FileInfo fifo && NativePaths.IsFifo(fifo.FullName))
            {
                // Stored as GNU tar stores a named pipe, and never opened (the open would block).
                writer.WriteEntry(new GnuTarEntry(TarEntryType.Fifo, name) { ModificationTime = fifo.LastWriteTimeUtc, Mode = File.GetUnixFileMode(fifo.FullName) });
            }
            else if (info is FileInfo regular && NativePaths.IsRegularFile(regular.FullName))
            {
                // Nothing of length 0 is opened (nothing to read).
                var entry = new GnuTarEntry(TarEntryType.RegularFile, name) { ModificationTime = regular.LastWriteTimeUtc, Mode = File.GetUnixFileMode(regular.FullName) };
                if (regular.Length == 0)
                {
                    writer.WriteEntry(entry);
                    continue;
                }

                using var content = File.OpenRead(regular.FullName);
                entry.DataStream = content;
                writer.WriteEntry(entry);
            }
            else
            {
                skipped.Add(name);
            }
        }
    }

    private static GnuTarEntry Directory(string path, string name) =>
        new(TarEntryType.Directory, name) { ModificationTime = System.IO.Directory.GetLastWriteTimeUtc(path), Mode = File.GetUnixFileMode(path) };
}
