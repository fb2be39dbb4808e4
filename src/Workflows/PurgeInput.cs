namespace Orchestration.Workflows;

/// <summary>The purge orchestration's input: which submission of a batch to delete.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Nonce">The submission's nonce: its objects live under <c>runs/{batchId}/{nonce}/</c>, and a later
/// submission of the same id (another nonce) is never touched.</param>
/// <param name="ActivityAttempts">Attempts of each step before the purge fails (and stays purging until it is
/// scheduled again).</param>
public sealed record PurgeInput(string BatchId, string Nonce, int ActivityAttempts);
