namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>The machine-side settings of the native executor (programs, clock, polling).</summary>
/// <param name="SetsidPath">setsid, which detaches the <see cref="NativeSpawner"/> (and so every work) into a session of its own.</param>
/// <param name="BashPath">bash, which runs the spawner, and the phases of every work.</param>
/// <param name="LaunchGrace">How long a launched work may take to record its pid before the work counts as lost.</param>
/// <param name="PollInterval">How often a work's identity and exit are checked when no end is reported (adopted works, a lost report).</param>
/// <param name="Time">The clock.</param>
/// <param name="OnStep">Called at each journal step (tests abandon the driver there, as a host crash would).</param>
/// <param name="OnLaunching">Called between a launch's record and its hand-over to the spawner (tests throw there, as a host crash would).</param>
internal sealed record NativeExecutorSettings(string SetsidPath, string BashPath, TimeSpan LaunchGrace, TimeSpan PollInterval, TimeProvider Time, Action<string>? OnStep = null, Action? OnLaunching = null)
{
    /// <summary>The defaults: /usr/bin/setsid, /bin/bash, 30 s, 150 ms, the system clock.</summary>
    public static NativeExecutorSettings Default { get; } = new("/usr/bin/setsid", "/bin/bash", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(150), TimeProvider.System);
}
