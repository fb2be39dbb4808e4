using System.Text.Json;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Comparison;

namespace Orchestration.Workflows.Service;

/// <summary>Compare two finished batches.</summary>
public sealed partial class BatchService
{
    /// <summary>Compares batch <paramref name="a"/> with batch <paramref name="b"/> from their stored aggregates
    /// (<see cref="BatchComparer"/>).</summary>
    /// <param name="a">A's id.</param>
    /// <param name="b">B's id.</param>
    /// <param name="map">Explicit task pairs; the other tasks match by id.</param>
    /// <param name="detectableDifference">The difference the runs-needed figure is for, in (0, 1].</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The comparison; not found for an unknown batch; conflict for a batch without an aggregate yet (not
    /// finished); invalid when the map names a task its batch lacks.</returns>
    public async Task<CompareResult> CompareAsync(string a, string b, IReadOnlyList<TaskPair> map, double detectableDifference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(map);
        var (aggregateA, problemA) = await AggregateAsync(a, cancellationToken).ConfigureAwait(false);
        if (problemA is not null)
        {
            return problemA;
        }

        var (aggregateB, problemB) = await AggregateAsync(b, cancellationToken).ConfigureAwait(false);
        if (problemB is not null)
        {
            return problemB;
        }

        // The aggregate's own intervals are 95% Wilson with the product's defaults; the comparison uses the same.
        var comparison = BatchComparer.TryCompare(a, aggregateA!, b, aggregateB!, map, detectableDifference, AggregationOptions.Default, out var problem);
        return comparison is null
            ? new CompareResult(BatchActionResult.Invalid, null, problem)
            : new CompareResult(BatchActionResult.Accepted, comparison, null);
    }

    private async Task<(BatchAggregate? Aggregate, CompareResult? Problem)> AggregateAsync(string batchId, CancellationToken cancellationToken)
    {
        if (await batches.GetAsync(batchId, cancellationToken).ConfigureAwait(false) is null)
        {
            return (null, new CompareResult(BatchActionResult.NotFound, null, $"No batch '{Clip(batchId)}'."));
        }

        if (await results.GetAggregateAsync(batchId, cancellationToken).ConfigureAwait(false) is not { } json)
        {
            return (null, new CompareResult(BatchActionResult.Conflict, null, $"Batch '{Clip(batchId)}' has no results yet: compare it once it has finished."));
        }

        return (JsonSerializer.Deserialize(json.Span, WorkflowsJson.Options.Info<BatchAggregate>()), null);
    }

    private static string Clip(string value) => value.Length <= 100 ? value : value[..100] + "...";
}
