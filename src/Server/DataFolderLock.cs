using System.Globalization;

namespace Orchestration.Server;

/// <summary>The one host that drives a data folder: an OS file lock on <c>host.lock</c> held for the host's
/// lifetime, and <c>host.pid</c> saying who holds it.</summary>
/// <remarks>Two engines on one data folder would both adopt and poll the same executions and write the same
/// history. The lock is <see cref="FileShare.None"/>, which .NET takes as an exclusive <c>flock</c> on Unix and a
/// share-mode lock on Windows; the OS drops it when the process ends, however it ends, so a crash leaves no stale
/// lock. <c>host.pid</c> is only read while the lock is held by someone else.</remarks>
public sealed class DataFolderLock : IDisposable
{
    /// <summary>The role of the background host <c>run</c> leaves a detached batch to.</summary>
    public const string Background = "background";

    /// <summary>How long a foreground host waits for a background host to hand over, and a background host
    /// for the detaching <c>run</c> to let go.</summary>
    public static readonly TimeSpan HandoverTimeout = TimeSpan.FromMinutes(1);

    private readonly FileStream _lock;

    private DataFolderLock(FileStream handle)
    {
        _lock = handle;
    }

    /// <summary>Takes the lock, or says who holds it.</summary>
    /// <param name="data">The data folder (created when missing).</param>
    /// <param name="role">What this process is (<c>run</c>, <c>serve</c>, <see cref="Background"/>), for the holder's message.</param>
    /// <param name="holder">Who holds it when the lock was not taken.</param>
    /// <returns>The lock, or null when another process holds it.</returns>
    public static DataFolderLock? TryAcquire(DataFolder data, string role, out DataFolderHolder? holder)
    {
        ArgumentNullException.ThrowIfNull(data);
        Directory.CreateDirectory(data.Root);
        FileStream handle;
        try
        {
            handle = new FileStream(LockFile(data), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            holder = ReadHolder(data);
            return null;
        }

        File.WriteAllText(PidFile(data), string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId} {role}\n"));
        holder = null;
        return new DataFolderLock(handle);
    }

    /// <summary>Waits for the lock (the holder is handing over), up to <paramref name="timeout"/>.</summary>
    /// <param name="data">The data folder.</param>
    /// <param name="role">What this process is.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The lock, or null when it was still held at the end.</returns>
    public static async Task<DataFolderLock?> WaitAsync(DataFolder data, string role, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (TryAcquire(data, role, out _) is { } taken)
            {
                return taken;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes the lock for a foreground host (<c>run</c>, <c>serve</c>): at once when free; from a background
    /// host by asking it to hand over (it stops; its runs go on and this host adopts them); never from another
    /// foreground host, which is refused with a message naming it.</summary>
    /// <param name="data">The data folder.</param>
    /// <param name="role">What this process is.</param>
    /// <param name="error">Where the messages go.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The lock, or null (the reason was written).</returns>
    public static async Task<DataFolderLock?> TakeAsync(DataFolder data, string role, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(error);
        if (TryAcquire(data, role, out var holder) is { } taken)
        {
            return taken;
        }

        if (!holder!.IsBackground)
        {
            await error.WriteLineAsync(holder.Refusal(data.Root)).ConfigureAwait(false);
            return null;
        }

        await error.WriteLineAsync($"The background host (pid {holder.Pid}) is running this data folder's batches; taking them over.").ConfigureAwait(false);
        var handover = HandoverFile(data);
        await File.WriteAllTextAsync(handover, string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}\n"), cancellationToken).ConfigureAwait(false);
        try
        {
            var lease = await WaitAsync(data, role, HandoverTimeout, cancellationToken).ConfigureAwait(false);
            if (lease is null)
            {
                await error.WriteLineAsync($"The background host (pid {holder.Pid}) did not hand the data folder over within {HandoverTimeout.TotalSeconds:0} s; nothing was started.").ConfigureAwait(false);
            }

            return lease;
        }
        finally
        {
            File.Delete(handover);
        }
    }

    /// <summary>The file a background host watches: its existence asks it to stop and hand the folder over.</summary>
    /// <param name="data">The data folder.</param>
    /// <returns>The path.</returns>
    public static string HandoverFile(DataFolder data) => Path.Combine(data?.Root ?? throw new ArgumentNullException(nameof(data)), "host.handover");

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _lock.Dispose();

    private static string LockFile(DataFolder data) => Path.Combine(data.Root, "host.lock");

    private static string PidFile(DataFolder data) => Path.Combine(data.Root, "host.pid");

    private static DataFolderHolder ReadHolder(DataFolder data)
    {
        try
        {
            var parts = File.ReadAllText(PidFile(data)).Split(' ', 2, StringSplitOptions.TrimEntries);
            return new DataFolderHolder(int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid) ? pid : null, parts.Length > 1 ? parts[1] : "unknown");
        }
        catch (IOException)
        {
            // The holder has not written it yet.
            return new DataFolderHolder(null, "unknown");
        }
    }
}
