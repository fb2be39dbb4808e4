using Orchestration.Activities.Stores;
using Orchestration.Domain;

namespace Orchestration.Workflows.Service;

/// <summary>A batch as the API lists it (<c>GET /api/batches</c>), mapped once from the stored batch.</summary>
/// <param name="Id">The batch id.</param>
/// <param name="Status">The batch's status.</param>
/// <param name="Reason">Why it failed or was cancelled, if it did.</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="UpdatedAt">When its status last changed.</param>
/// <param name="TotalRuns">Runs planned.</param>
/// <param name="Labels">The batch's labels (from its stored document).</param>
public sealed record BatchView(string Id, BatchStatus Status, string? Reason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int TotalRuns,
    IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>The view of a stored batch.</summary>
    /// <param name="stored">The stored batch.</param>
    /// <returns>The view.</returns>
    public static BatchView From(StoredBatch stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new(stored.Id, stored.Status, stored.Reason, stored.CreatedAt, stored.UpdatedAt, stored.TotalRuns, BatchLabels.Of(stored));
    }
}
