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
