namespace Orchestration.Activities.Stores;

/// <summary>The outcome of <see cref="IBatchStore.InsertIfAbsentAsync"/> and the batch now stored under the id.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Stored">The stored batch (the new one, or the one that was already there).</param>
public sealed record BatchInsertResult(BatchInsertOutcome Outcome, StoredBatch Stored);
