namespace Orchestration.Server;

/// <summary>What <c>run FILE</c> was asked to do.</summary>
/// <param name="File">The batch file.</param>
/// <param name="Json">Print the aggregate JSON instead of the table.</param>
/// <param name="Cancel">Cancel the file's batch and wait for its cancelled aggregate.</param>
/// <param name="DataFolder">The data folder.</param>
/// <param name="AllowLocalClaude">Allow Claude tasks to run on this machine.</param>
/// <param name="Parallel">Runs in flight at most, over the file's <c>maxParallelRuns</c> (and its default); null to keep them.</param>
/// <param name="DryRun">Plan against the data folder and print the plan; nothing runs, nothing is stored.</param>
public sealed record RunArguments(FileInfo File, bool Json, bool Cancel, string DataFolder, bool AllowLocalClaude, int? Parallel = null, bool DryRun = false);
