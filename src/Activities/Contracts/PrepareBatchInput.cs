namespace Orchestration.Activities.Contracts;

/// <summary>Prepare a stored batch for running.</summary>
/// <param name="BatchId">The batch id.</param>
public sealed record PrepareBatchInput(string BatchId);
