using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Orchestration.Adapters.Storage;
using Orchestration.Domain;

namespace Orchestration.Adapters.LocalRunner;

/// <summary>Crash-safe reads and writes of the local runner's small state files.</summary>
/// <remarks>
/// <para>
/// Every file is written whole to a temp name and renamed into place (or linked-by-create for
/// create-once markers), so a reader, or a host restarted after a crash, never sees half a file.
/// </para>
/// <para>
/// Durability (fsync before the rename) is the default, and callers opt out with <c>durable: false</c> for
/// files a machine crash may lose: a host crash (SIGKILL) keeps the page cache, so only a machine crash
/// (power loss, kernel panic) loses an unsynced file, and that kills the work as well. Such a file may then
/// be missing or, on file systems that allocate late (ext4), present but empty, and its readers must
/// take that as "not written". Files on a memory file system (tmpfs, ramfs: the native executor's scratch
/// folder under /dev/shm) are never fsync'd: a machine restart empties it whatever fsync did.
/// </para>
/// <para>
/// The JSON files' types are those of <see cref="LocalStateJsonContext"/> (generated metadata: no reflection).
/// </para>
/// </remarks>
internal static class LocalStateFiles
{
    // The web defaults, indented, as the files have always been written; type metadata generated (LocalStateJsonContext).
    private static readonly JsonSerializerOptions Json = CreateOptions();

    /// <summary>Reads a JSON file, or null when it does not exist.</summary>
    public static T? ReadJson<T>(string path)
        where T : class
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), Json.Info<T>());
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Reads a JSON file, or null when it does not exist or cannot be read as JSON (a file written with
    /// <c>durable: false</c> that a machine crash left empty reads as never written).</summary>
    public static T? TryReadJson<T>(string path)
        where T : class
    {
        try
        {
            return ReadJson<T>(path);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes a JSON file atomically, replacing any previous one.</summary>
    public static void WriteJson<T>(string path, T value) =>
        WriteAtomic(path, JsonSerializer.SerializeToUtf8Bytes(value, Json.Info<T>()), overwrite: true, durable: true);

    /// <summary>Creates a JSON file atomically only if it does not exist yet.</summary>
    /// <param name="path">The file.</param>
    /// <param name="value">Its content.</param>
    /// <param name="durable">False to skip the fsync (see the remarks on the class).</param>
    /// <returns>True when this call created it.</returns>
    public static bool TryCreateJson<T>(string path, T value, bool durable = true) =>
        WriteAtomic(path, JsonSerializer.SerializeToUtf8Bytes(value, Json.Info<T>()), overwrite: false, durable);

    /// <summary>Creates a marker holding a time, only if absent.</summary>
    /// <param name="path">The file.</param>
    /// <param name="time">The time it holds.</param>
    /// <param name="durable">False to skip the fsync (see the remarks on the class).</param>
    /// <returns>True when this call created it.</returns>
    public static bool TryCreateMarker(string path, DateTimeOffset time, bool durable = true) =>
        WriteAtomic(path, Encoding.UTF8.GetBytes(time.ToString("O", CultureInfo.InvariantCulture)), overwrite: false, durable);

    /// <summary>Writes a text file atomically, replacing any previous one.</summary>
    /// <param name="path">The file.</param>
    /// <param name="text">Its content.</param>
    /// <param name="durable">False to skip the fsync (see the remarks on the class).</param>
    public static void WriteText(string path, string text, bool durable = true) =>
        WriteAtomic(path, Encoding.UTF8.GetBytes(text), overwrite: true, durable);

    /// <summary>Writes a file atomically, replacing any previous one.</summary>
    public static void WriteBytes(string path, byte[] bytes) =>
        WriteAtomic(path, bytes, overwrite: true, durable: true);

    /// <summary>Creates a text file atomically only if it does not exist yet.</summary>
    /// <returns>True when this call created it.</returns>
    public static bool TryCreateText(string path, string text) =>
        WriteAtomic(path, Encoding.UTF8.GetBytes(text), overwrite: false, durable: true);

    /// <summary>Reads a marker's time, or null when absent.</summary>
    /// <remarks>A marker that exists but holds no readable time (written with <c>durable: false</c> and emptied by a
    /// machine crash) still marks: it reads as the file's modification time, which is when it was created.</remarks>
    public static DateTimeOffset? ReadMarker(string path)
    {
        if (ReadText(path) is not { } text)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
        {
            return time;
        }

        var written = File.GetLastWriteTimeUtc(path);
        return written == DateTime.FromFileTimeUtc(0) ? null : new DateTimeOffset(written, TimeSpan.Zero);
    }

    /// <summary>Reads a text file, or null when it does not exist.</summary>
    /// <remarks>Absent files are the common case for many readers (optional phases, markers not written yet, polls):
    /// a stat first spares the exception, which costs far more than the read; the catch still covers a file removed
    /// between the two.</remarks>
    public static string? ReadText(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            TypeInfoResolver = LocalStateJsonContext.Default,
        };
        options.MakeReadOnly();
        return options;
    }

    private static bool WriteAtomic(string path, byte[] bytes, bool overwrite, bool durable)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            if (durable && !MemoryFileSystems.Holds(path))
            {
                stream.Flush(flushToDisk: true);
            }
        }

        var renamed = false;
        try
        {
            if (overwrite)
            {
                File.Move(temp, path, overwrite: true);
                renamed = true;
                return true;
            }

            // File.Move without overwrite checks then renames (a race); a hard link fails atomically if the name exists.
            return Link(temp, path);
        }
        finally
        {
            // A renamed temp is gone (deleting a missing file still costs a failed unlink and a stat of its folder).
            if (!renamed)
            {
                File.Delete(temp);
            }
        }
    }

    private static bool Link(string temp, string path)
    {
        if (NativeMethods.Link(temp, path) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno == NativeMethods.EEXIST)
        {
            return false;
        }

        throw new IOException($"link({path}) failed with errno {errno.ToString(CultureInfo.InvariantCulture)}.");
    }
}
