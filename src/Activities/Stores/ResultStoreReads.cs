using System.Text.Json;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;

namespace Orchestration.Activities.Stores;

/// <summary>Reads of the result store that several steps make: every row of a batch, and an aggregate as a document.</summary>
public static class ResultStoreReads
{
    /// <summary>Every run row of a batch, all pages, in key order.</summary>
    /// <param name="results">The result store.</param>
    /// <param name="batchId">The batch.</param>
    /// <param name="capacity">The rows expected (the batch's runs).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The rows.</returns>
    public static async Task<List<RunRow>> ReadAllRunsAsync(this IResultStore results, string batchId, int capacity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        var rows = new List<RunRow>(capacity);
        string? token = null;
        do
        {
            var page = await results.QueryRunsAsync(new RunQuery(batchId, PageSize: 1000, ContinuationToken: token), cancellationToken).ConfigureAwait(false);
            rows.AddRange(page.Items);
            token = page.ContinuationToken;
        }
        while (token is not null);
        return rows;
    }

    /// <summary>A batch's aggregate as stored (the latest version), or one version of it.</summary>
    /// <param name="results">The result store.</param>
    /// <param name="batchId">The batch.</param>
    /// <param name="version">A version; null for the latest.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The aggregate, or null when there is none (of that version).</returns>
    public static async Task<BatchAggregate?> ReadAggregateAsync(this IResultStore results, string batchId, int? version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        var json = version is { } v
            ? await results.GetAggregateVersionAsync(batchId, v, cancellationToken).ConfigureAwait(false)
            : await results.GetAggregateAsync(batchId, cancellationToken).ConfigureAwait(false);
        return json is { } bytes ? JsonSerializer.Deserialize(bytes.Span, ActivitiesJson.Options.Info<BatchAggregate>()) : null;
    }
}
