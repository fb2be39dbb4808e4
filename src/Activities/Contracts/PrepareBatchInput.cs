namespace Orchestration.Activities.Contracts;

/// <summary>Prepare a stored batch for running.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Packed">Whether the batch starts its attempts in packs: its jobs are then pack jobs (as many tasks
/// at once as Cloud Run allows), named apart from single-attempt jobs of the same key.</param>
public sealed record PrepareBatchInput(string BatchId, bool Packed = false);
