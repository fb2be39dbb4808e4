namespace Orchestration.Activities.Contracts;

/// <summary>Prepare the rerun that makes results version <paramref name="Version"/> of a finished batch.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Version">The results version the rerun makes (its request is stored under it).</param>
/// <param name="Packed">Whether the batch starts its attempts in packs (its jobs are pack jobs).</param>
public sealed record PrepareRerunInput(string BatchId, int Version, bool Packed = false);
