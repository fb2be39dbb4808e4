using System.Diagnostics;
using System.Globalization;

namespace Orchestration.Server.Bench;

/// <summary>Figures about this process and machine (Linux /proc).</summary>
internal static class Machine
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Peak resident set (VmHWM), in MB.</summary>
    public static double PeakRssMb() => StatusMb("VmHWM:") ?? Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;

    /// <summary>Current resident set (VmRSS), in MB.</summary>
    public static double RssMb() => StatusMb("VmRSS:") ?? Process.GetCurrentProcess().WorkingSet64 / 1024.0 / 1024.0;

    public static string FindRunnerScript() =>
        RunnerScriptLocator.Find(null) ?? throw new InvalidOperationException("runner/runner.sh was not found above the executable or the current folder.");

    private static double? StatusMb(string key)
    {
        var line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal)) : null;
        return line is null ? null
            : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
