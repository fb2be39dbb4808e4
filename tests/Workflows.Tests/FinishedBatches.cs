using System.Text;
using System.Text.Json;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows.Service;

namespace Orchestration.Workflows.Tests;

/// <summary>What the tests of acting on finished batches (rejudge, rerun) share: a batch run to its end through the
/// service, its results versions, and the counts a user compares.</summary>
internal static class FinishedBatches
{
    /// <summary>Submits <paramref name="json"/> and waits until the batch has ended, its status and aggregate stored.</summary>
    public static async Task RunToEndAsync(WorkflowHarness h, string id, string json)
    {
        Assert.Equal(SubmitKind.Accepted, (await h.Service.SubmitAsync(Encoding.UTF8.GetBytes(json))).Kind);
        await h.WaitAsync(id);
        await Eventually.HoldsAsync(async () => BatchStatusRules.IsFinished((await h.Batches.GetAsync(id))!.Status), $"{id} is finished in the store");
        await Eventually.HoldsAsync(async () => await h.Results.GetAggregateAsync(id) is not null, $"{id} has its aggregate");
    }

    /// <summary>Results version <paramref name="version"/>, or the latest when null.</summary>
    public static async Task<BatchAggregate> ResultsAsync(WorkflowHarness h, string id, int? version)
    {
        var bytes = version is { } v ? (await h.Service.GetResultsVersionAsync(id, v)).Document : await h.Service.GetResultsAsync(id);
        Assert.True(bytes is not null, $"{id} has results version {version}");
        return JsonSerializer.Deserialize<BatchAggregate>(bytes.Value.Span, BatchJson.Options)!;
    }

    /// <summary>What a user compares: counts, rates and flags (not times, durations or cost, which differ run to run).</summary>
    public static string Counts(BatchAggregate aggregate, string task)
    {
        var t = aggregate.Tasks.Single(x => x.Id == task);
        return JsonSerializer.Serialize(new { t.Runs, t.Passed, t.Failed, t.Errored, t.TimedOut, t.Cancelled, t.Flagged, t.PassRate, t.FlagRates }, BatchJson.Options);
    }
}
