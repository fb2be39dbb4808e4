namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>The machine-side settings of the native executor (programs, clock, polling).</summary>
/// <param name="SetsidPath">setsid, which detaches the work into its own session.</param>
/// <param name="BashPath">bash, which runs the work's wrapper and phases.sh.</param>
/// <param name="LaunchGrace">How long the work's wrapper may take to record its pid before the work counts as lost.</param>
/// <param name="PollInterval">How often an adopted work's identity and exit are checked.</param>
/// <param name="Time">The clock.</param>
/// <param name="OnStep">Called at each journal step (tests abandon the driver there, as a host crash would).</param>
internal sealed record NativeExecutorSettings(string SetsidPath, string BashPath, TimeSpan LaunchGrace, TimeSpan PollInterval, TimeProvider Time, Action<string>? OnStep = null)
{
    /// <summary>The defaults: /usr/bin/setsid, /bin/bash, 30 s, 150 ms, the system clock.</summary>
    public static NativeExecutorSettings Default { get; } = new("/usr/bin/setsid", "/bin/bash", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(150), TimeProvider.System);
}
