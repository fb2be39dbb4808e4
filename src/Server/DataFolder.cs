namespace Orchestration.Server;

/// <summary>The layout of the standalone host's data folder.</summary>
/// <param name="Root">The folder (created at start when missing).</param>
public sealed record DataFolder(string Root)
{
    /// <summary>The default: <c>.orchestration</c> in the current folder.</summary>
    public static string Default => Path.Combine(Environment.CurrentDirectory, ".orchestration");

    /// <summary>The embedded engine's SQLite file (orchestration history).</summary>
    public string EngineDatabase => Path.Combine(Root, "engine.db");

    /// <summary>The batch and result stores' SQLite file.</summary>
    public string StoresDatabase => Path.Combine(Root, "stores.db");

    /// <summary>The root the runner's gcloud stand-in maps <c>gs://BUCKET/OBJECT</c> under (<c>$GCS_LOCAL_ROOT</c>).</summary>
    public string ObjectsRoot => Path.Combine(Root, "gcs");

    /// <summary>The local job runner's state: job records and one folder per execution.</summary>
    public string Executions => Path.Combine(Root, "executions");

    /// <summary>A folder in memory for the native executions' working files (<c>LocalRunner:ScratchFolder</c>), the same
    /// for this data folder across restarts: <c>/dev/shm/orchestration-{hash of the data folder's path}</c>, readable by
    /// this user only (the files hold unscrubbed captures).</summary>
    /// <returns>The folder, or null when there is no <c>/dev/shm</c> or the folder there is not this user's alone: the
    /// working files then stay in each execution's folder.</returns>
    public string? MemoryScratch()
    {
        const string Memory = "/dev/shm";
        if (!OperatingSystem.IsLinux() || !Directory.Exists(Memory))
        {
            return null;
        }

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(Root))))[..16];
        var folder = Path.Combine(Memory, "orchestration-" + hash);
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        try
        {
            Directory.CreateDirectory(folder, Private);
            // Someone else's folder of that name (or one others may read) is not used; writing a file proves it is ours.
            if (File.GetUnixFileMode(folder) != Private)
            {
                return null;
            }

            var probe = Path.Combine(folder, ".probe");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return folder;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The object store's root for <paramref name="bucket"/>.</summary>
    /// <param name="bucket">The bucket name.</param>
    /// <returns><c>{Root}/gcs/{bucket}</c>.</returns>
    public string Bucket(string bucket) => Path.Combine(ObjectsRoot, bucket);

    /// <summary>Creates the folders, and a <c>.gitignore</c> that keeps the data folder out of the repository it sits in.</summary>
    public void Create()
    {
        Directory.CreateDirectory(Root);
        var ignore = Path.Combine(Root, ".gitignore");
        if (!File.Exists(ignore))
        {
            File.WriteAllText(ignore, "# Orchestration data (run state, outputs): not source.\n*\n");
        }

        Directory.CreateDirectory(ObjectsRoot);
        Directory.CreateDirectory(Executions);
    }
}
