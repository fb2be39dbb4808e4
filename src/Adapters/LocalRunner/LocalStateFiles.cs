using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Orchestration.Adapters.Storage;

namespace Orchestration.Adapters.LocalRunner;

/// <summary>Crash-safe reads and writes of the local runner's small state files.</summary>
/// <remarks>
/// Every file is written whole to a temp name and renamed into place (or linked-by-create for
/// create-once markers), so a reader, or a host restarted after a crash, never sees half a file.
/// </remarks>
internal static class LocalStateFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Reads a JSON file, or null when it does not exist.</summary>
    public static T? ReadJson<T>(string path)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllBytes(path), Json);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Writes a JSON file atomically, replacing any previous one.</summary>
    public static void WriteJson<T>(string path, T value) =>
        WriteAtomic(path, JsonSerializer.SerializeToUtf8Bytes(value, Json), overwrite: true);

    /// <summary>Creates a JSON file atomically only if it does not exist yet.</summary>
    /// <returns>True when this call created it.</returns>
    public static bool TryCreateJson<T>(string path, T value) =>
        WriteAtomic(path, JsonSerializer.SerializeToUtf8Bytes(value, Json), overwrite: false);

    /// <summary>Creates a marker holding a time, only if absent.</summary>
    /// <returns>True when this call created it.</returns>
    public static bool TryCreateMarker(string path, DateTimeOffset time) =>
        WriteAtomic(path, Encoding.UTF8.GetBytes(time.ToString("O", CultureInfo.InvariantCulture)), overwrite: false);

    /// <summary>Writes a text file atomically, replacing any previous one.</summary>
    public static void WriteText(string path, string text) =>
        WriteAtomic(path, Encoding.UTF8.GetBytes(text), overwrite: true);

    /// <summary>Writes a file atomically, replacing any previous one.</summary>
    public static void WriteBytes(string path, byte[] bytes) =>
        WriteAtomic(path, bytes, overwrite: true);

    /// <summary>Creates a text file atomically only if it does not exist yet.</summary>
    /// <returns>True when this call created it.</returns>
    public static bool TryCreateText(string path, string text) =>
        WriteAtomic(path, Encoding.UTF8.GetBytes(text), overwrite: false);

    /// <summary>Reads a marker's time, or null when absent.</summary>
    public static DateTimeOffset? ReadMarker(string path) =>
        ReadText(path) is { } text && DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            ? time
            : null;

    /// <summary>Reads a text file, or null when it does not exist.</summary>
    public static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static bool WriteAtomic(string path, byte[] bytes, bool overwrite)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        try
        {
            if (overwrite)
            {
                File.Move(temp, path, overwrite: true);
                return true;
            }

            // File.Move without overwrite checks then renames (a race); a hard link fails atomically if the name exists.
            return Link(temp, path);
        }
        finally
        {
            File.Delete(temp);
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
