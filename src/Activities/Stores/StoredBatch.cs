using Orchestration.Domain;

namespace Orchestration.Activities.Stores;

/// <summary>A batch as the batch store holds it.</summary>
/// <param name="Id">The batch id.</param>
/// <param name="Hash">The SHA-256 of the normalised batch's canonical JSON.</param>
/// <param name="Nonce">Fixed per submission: object names live under <c>runs/{batchId}/{nonce}/</c>.</param>
/// <param name="Status">The batch's status.</param>
/// <param name="Reason">Why it failed or was cancelled, if it did.</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="UpdatedAt">When its status last changed.</param>
/// <param name="TotalRuns">Runs planned.</param>
/// <param name="Document">The canonical JSON of the normalised batch.</param>
/// <param name="Labels">The batch's labels when a listing read them without the document; null otherwise
/// (<see cref="BatchLabels.Of(StoredBatch)"/> reads them from either).</param>
public sealed record StoredBatch(
    string Id,
    string Hash,
    string Nonce,
    BatchStatus Status,
    string? Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int TotalRuns,
    ReadOnlyMemory<byte> Document,
    IReadOnlyDictionary<string, string>? Labels = null);
