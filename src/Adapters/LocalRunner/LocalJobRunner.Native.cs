using System.Collections.Concurrent;
using System.Globalization;
using Orchestration.Adapters.LocalRunner.Native;

namespace Orchestration.Adapters.LocalRunner;

/// <summary>Native executions: one driver task per execution in this host, re-adopted by whichever host holds its lock.</summary>
public sealed partial class LocalJobRunner
{
    private readonly ConcurrentDictionary<string, NativeDriver> _drivers = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts a driver for a launched native execution unless one runs here already or another host holds
    /// the lock on its <c>native/</c> folder (flock, held for the driver's life; earlier versions locked a
    /// <c>driver.lock</c> file, one more file per run, and only one host runs on a data folder at a time). A driver
    /// resumed after a restart fires its terminate at once when the execution was cancelled or timed out meanwhile.
    /// </summary>
    private void StartDriver(LocalExecutionFolder folder, LocalExecutionRecord record, bool resumed)
    {
        if (_drivers.ContainsKey(record.Id) || _stop.IsCancellationRequested)
        {
            return;
        }

        Microsoft.Win32.SafeHandles.SafeFileHandle? driverLock;
        try
        {
            if (!Directory.Exists(folder.Path))
            {
                return; // Removed meanwhile: nothing to drive, and no folder to make again.
            }

            Directory.CreateDirectory(folder.NativeFolder);
            driverLock = LocalProcess.TryLockFolder(folder.NativeFolder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.NativeDriverFailed(record.Name, ex);
            return;
        }

        if (driverLock is null)
        {
            return; // Another host drives it.
        }

        // Read after taking the lock: a driver that just ended has written it. (An exit a machine crash emptied is
        // absent: the driver runs again and writes it from the executor's own exit, which is durable.)
        if (folder.ReadNativeExit() is not null)
        {
            driverLock.Dispose();
            return;
        }

        var driver = new NativeDriver(driverLock);
        if (File.Exists(folder.CancelledFile) || File.Exists(folder.TimedOutFile))
        {
            driver.Terminate.Cancel();
        }

        if (!_drivers.TryAdd(record.Id, driver))
        {
            driver.Dispose();
            return;
        }

        _logger.NativeDriverStarted(record.Name, resumed);
        driver.Run = Task.Run(() => DriveAsync(folder, record, driver));
    }

    private async Task DriveAsync(LocalExecutionFolder folder, LocalExecutionRecord record, NativeDriver driver)
    {
        try
        {
            var scratch = string.IsNullOrEmpty(_options.ScratchFolder) ? null : System.IO.Path.Combine(_options.ScratchFolder, System.IO.Path.GetFileName(folder.Path));
            var request = new NativeExecutionRequest(EnvironmentOf(folder, record), _options.ObjectsRoot!, folder.NativeFolder, scratch);
            var settings = NativeExecutorSettings.Default with { SetsidPath = _options.SetsidPath, BashPath = _options.BashPath, LaunchGrace = _options.LaunchGrace };
            var code = await NativeExecutor.RunAsync(request, _logger, settings, driver.Terminate.Token, _stop.Token).ConfigureAwait(false);
            // Not fsync'd: the executor's own exit (native/exit) is, and a driver started again reads it from there.
            LocalStateFiles.WriteText(folder.ExitFile, code.ToString(CultureInfo.InvariantCulture) + "\n", durable: false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The host is going away: the journal lets the next host resume.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever broke the driver, the execution must end rather than read as running forever.
            _logger.NativeDriverFailed(record.Name, ex);
            if (!_stop.IsCancellationRequested)
            {
                LocalStateFiles.WriteText(folder.ExitFile, "1\n", durable: false);
            }
        }
        finally
        {
            _drivers.TryRemove(record.Id, out _);
            driver.Dispose();
            Wake();
        }
    }

    /// <summary>Fires the terminate of this host's driver of the execution (cancel, timeout), if it has one.</summary>
    private void TerminateDriver(string id)
    {
        if (_drivers.TryGetValue(id, out var driver))
        {
            try
            {
                driver.Terminate.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It ended meanwhile.
            }
        }
    }

    /// <summary>Waits (briefly) for the drivers to notice the abandon; their work runs on, detached.</summary>
    private void AbandonDrivers()
    {
        var running = _drivers.Values.Select(d => d.Run).OfType<Task>().ToArray();
        try
        {
            Task.WaitAll(running, TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Drivers end by cancellation; nothing else to report at disposal.
        }
    }

    private sealed class NativeDriver(Microsoft.Win32.SafeHandles.SafeFileHandle driverLock) : IDisposable
    {
        public CancellationTokenSource Terminate { get; } = new();

        public Task? Run { get; set; }

        public void Dispose()
        {
            Terminate.Dispose();
            driverLock.Dispose();
        }
    }
}
