using System.Diagnostics;
using System.Globalization;

namespace Orchestration.Server.Bench;

/// <summary>Figures about this process and machine (Linux /proc).</summary>
internal static class Machine
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Peak resident set (VmHWM), in MB.</summary>
    public static double PeakRssMb() => StatusMb("/proc/self/status", "VmHWM:") ?? Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;

    /// <summary>Peak resident set (VmHWM) of another process, in MB; null once it has gone.</summary>
    /// <param name="pid">The process id.</param>
    public static double? PeakRssMb(int pid)
    {
        try
        {
            return StatusMb($"/proc/{pid}/status", "VmHWM:");
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>CPU time the whole machine has spent busy (user, nice, system, irq, softirq) since boot, in seconds;
    /// null without /proc/stat. Differences of it count every process, the runs' own included, whatever their parents.</summary>
    public static double? BusyCpuSeconds()
    {
        if (!File.Exists("/proc/stat"))
        {
            return null;
        }

        // "cpu  user nice system idle iowait irq softirq ...", in clock ticks (100 per second on Linux).
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        return (Field(1) + Field(2) + Field(3) + Field(6) + Field(7)) / 100.0;
    }

    /// <summary>Cores, memory, OS and runtime of this machine, for a figure's record.</summary>
    public static string Describe()
    {
        var memory = StatusMb("/proc/meminfo", "MemTotal:") is { } mb ? $"{mb / 1024:F0} GiB" : "memory n/a";
        return $"{Environment.ProcessorCount} cores, {memory}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }

    /// <summary>Current resident set (VmRSS), in MB.</summary>
    public static double RssMb() => StatusMb("/proc/self/status", "VmRSS:") ?? Process.GetCurrentProcess().WorkingSet64 / 1024.0 / 1024.0;

    public static string FindRunnerScript() =>
        RunnerScriptLocator.Find(null) ?? throw new InvalidOperationException("runner/runner.sh was not found above the executable or the current folder.");

    private static double? StatusMb(string file, string key)
    {
        var line = File.Exists(file) ? File.ReadLines(file).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal)) : null;
        return line is null ? null
            : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
