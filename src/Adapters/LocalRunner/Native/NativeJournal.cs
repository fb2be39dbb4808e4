using System.Runtime.InteropServices;
using System.Text;
using Orchestration.Adapters.Storage;

namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>The journal's files: created whole if absent (link(2) of a complete temp file) or replaced whole (rename).</summary>
internal static class NativeJournal
{
    /// <summary>Creates <paramref name="path"/> with <paramref name="text"/> unless it exists.</summary>
    /// <returns>True when this call created it.</returns>
    public static bool TryCreate(string path, string text) => TryCreate(path, Encoding.UTF8.GetBytes(text));

    /// <summary>Creates <paramref name="path"/> with <paramref name="bytes"/> unless it exists.</summary>
    /// <returns>True when this call created it.</returns>
    public static bool TryCreate(string path, byte[] bytes)
    {
        var temp = WriteTemp(path, bytes);
        try
        {
            if (NativeMethods.Link(temp, path) == 0)
            {
                return true;
            }

            var errno = Marshal.GetLastPInvokeError();
            return errno == NativeMethods.EEXIST ? false : throw new IOException($"link({path}) failed with errno {errno}.");
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Replaces <paramref name="path"/> whole.</summary>
    public static void Write(string path, string text) => Write(path, Encoding.UTF8.GetBytes(text));

    /// <summary>Replaces <paramref name="path"/> whole.</summary>
    public static void Write(string path, byte[] bytes) => File.Move(WriteTemp(path, bytes), path, overwrite: true);

    /// <summary>A file's text, or null when absent.</summary>
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

    private static string WriteTemp(string path, byte[] bytes)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
        return temp;
    }
}
