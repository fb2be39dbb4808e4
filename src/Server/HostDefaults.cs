namespace Orchestration.Server;

/// <summary>What every host of the server project starts with.</summary>
public static class HostDefaults
{
    /// <summary>
    /// Command-line form of the host setting that turns off the reload of appsettings files on change.
    /// </summary>
    /// <remarks>
    /// The reload watches the content root (the working directory) with a recursive file watcher, and the data
    /// folder usually lies inside it: every execution folder the local runner creates would get an inotify watch
    /// and an event per file (a thread busy with them, the per-user watch limit within reach of a large batch).
    /// Settings are read once at start anyway.
    /// </remarks>
    public const string NoConfigReload = "--hostBuilder:reloadConfigOnChange=false";
}
