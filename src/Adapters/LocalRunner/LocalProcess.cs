using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Orchestration.Adapters.LocalRunner;

/// <summary>Process identity and process-group signals for the local runner (Linux: reads <c>/proc</c>).</summary>
/// <remarks>
/// A pid alone is not an identity: after a process ends its number can be reused. The wrapper records
/// its pid together with its start time in clock ticks since boot (field 22 of <c>/proc/{pid}/stat</c>),
/// and a process counts as the same one only while both match. Zombies count as gone.
/// </remarks>
internal static class LocalProcess
{
    /// <summary>SIGKILL.</summary>
    public const int SigKill = 9;

    /// <summary>SIGTERM.</summary>
    public const int SigTerm = 15;

    /// <summary>True when the process <paramref name="pid"/> exists, is not a zombie, and started at <paramref name="startTicks"/>.</summary>
    /// <param name="pid">Process id.</param>
    /// <param name="startTicks">Start time in clock ticks since boot, as recorded by the wrapper.</param>
    /// <returns>Whether that very process is still alive.</returns>
    public static bool IsAlive(int pid, long startTicks) =>
        TryReadStat(pid, out var state, out var ticks) && state is not ('Z' or 'X' or 'x') && ticks == startTicks;

    /// <summary>Reads a "pid starttime" file as the wrappers write it, or null before its line is whole.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The identity to check with <see cref="IsAlive"/>.</returns>
    public static (int Pid, long StartTicks)? ReadIdentity(string path)
    {
        var parts = ReadLine(path)?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts is [var pid, var ticks]
            && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            ? (p, t)
            : null;
    }

    /// <summary>Reads a one-line file a wrapper writes in place, or null until its line is whole (ends in a newline).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The line without its newline.</returns>
    public static string? ReadLine(string path) =>
        LocalStateFiles.ReadText(path) is { } text && text.EndsWith('\n') ? text.TrimEnd('\n') : null;

    /// <summary>Sends <paramref name="signal"/> to the process group <paramref name="processGroup"/>.</summary>
    /// <param name="processGroup">Group id (the wrapper's pid: it leads its own session).</param>
    /// <param name="signal">Signal number.</param>
    /// <returns>True when the group existed.</returns>
    public static bool SignalGroup(int processGroup, int signal) =>
        processGroup > 1 && Kill(-processGroup, signal) == 0;

    /// <summary>Sends <paramref name="signal"/> to the one process <paramref name="pid"/>.</summary>
    /// <param name="pid">Process id (check its identity first).</param>
    /// <param name="signal">Signal number.</param>
    /// <returns>True when it existed.</returns>
    public static bool Signal(int pid, int signal) => pid > 1 && Kill(pid, signal) == 0;

    /// <summary>Creates the FIFO <paramref name="path"/> (mode 0600) in place of whatever the name held.</summary>
    /// <param name="path">The FIFO's path.</param>
    /// <exception cref="IOException">It could not be created.</exception>
    public static void MakeFifo(string path)
    {
        File.Delete(path);
        if (MkFifo(path, 0b110_000_000) != 0)
        {
            throw new IOException($"mkfifo({path}) failed with errno {Marshal.GetLastPInvokeError().ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    /// <summary>Reads the state letter and start ticks of a process from <c>/proc/{pid}/stat</c>.</summary>
    private static bool TryReadStat(int pid, out char state, out long startTicks)
    {
        state = '?';
        startTicks = 0;
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // The command name (field 2) is in parentheses and may hold spaces or ')': split after the last one.
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return false;
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20 || fields[0].Length != 1)
        {
            return false;
        }

        state = fields[0][0];
        return long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out startTicks);
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MkFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    /// <summary>
    /// Takes an exclusive <c>flock</c> on a folder, held until the handle is disposed (or the process ends), or null when
    /// another holder has it. A folder rather than a lock file: no file is created for it, and no .NET code opens a
    /// folder (every <see cref="FileStream"/> takes a shared <c>flock</c> of its own, so a lock on a file others read
    /// would fail their reads).
    /// </summary>
    /// <param name="path">An existing folder.</param>
    /// <returns>The held lock, or null.</returns>
    /// <exception cref="IOException">The folder could not be opened, or the lock failed otherwise.</exception>
    public static SafeFileHandle? TryLockFolder(string path)
    {
        const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC
        const int ExclusiveNonBlocking = 2 | 4; // LOCK_EX | LOCK_NB
        const int WouldBlock = 11; // EWOULDBLOCK
        var descriptor = Open(path, ReadOnlyCloseOnExec);
        if (descriptor < 0)
        {
            throw new IOException($"open({path}) failed with errno {Marshal.GetLastPInvokeError().ToString(CultureInfo.InvariantCulture)}.");
        }

        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        if (Flock(descriptor, ExclusiveNonBlocking) == 0)
        {
            return handle;
        }

        var error = Marshal.GetLastPInvokeError();
        handle.Dispose();
        return error == WouldBlock ? null : throw new IOException($"flock({path}) failed with errno {error.ToString(CultureInfo.InvariantCulture)}.");
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "flock", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Flock(int descriptor, int operation);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
