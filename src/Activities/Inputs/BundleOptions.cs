namespace Orchestration.Activities.Inputs;

/// <summary>What bundling leaves out and how large a bundle may get.</summary>
public sealed class BundleOptions
{
    /// <summary>Folder names skipped at any depth of a path input.</summary>
    public IReadOnlyList<string> ExcludedFolders { get; init; } = [".git", "node_modules", "__pycache__", ".venv"];

    /// <summary>Largest uncompressed tar accepted, in bytes.</summary>
    public long MaxTarBytes { get; init; } = 2L * 1024 * 1024 * 1024;
}
