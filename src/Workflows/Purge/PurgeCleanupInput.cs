namespace Orchestration.Workflows.Purge;

/// <summary>The input of <see cref="PurgeFinishedPurges"/>.</summary>
/// <param name="CurrentInstanceId">The purge orchestration that asks: still running, so it is left alone.</param>
public sealed record PurgeCleanupInput(string CurrentInstanceId);
