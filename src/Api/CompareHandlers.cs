using System.Globalization;
using Microsoft.AspNetCore.Http;
using Orchestration.Domain;
using Orchestration.Domain.Comparison;
using Orchestration.Workflows.Service;

namespace Orchestration.Api;

/// <summary>Compare two finished batches: parse, call the batch service, map to HTTP.</summary>
internal static class CompareHandlers
{
    /// <summary>The detectable difference when <c>mde</c> is not given.</summary>
    public const double DefaultDetectableDifference = 0.10;

    public static async Task<IResult> CompareAsync(HttpRequest request, BatchService service, CancellationToken cancellationToken)
    {
        var a = request.Query["a"].ToString();
        var b = request.Query["b"].ToString();
        if (a.Length == 0 || b.Length == 0)
        {
            return Problems.Parameter(a.Length == 0 ? "a" : "b", "Give the ids of both batches: ?a=ID&b=ID.");
        }

        if (!TaskPair.TryParseList(request.Query["map"].ToString(), out var map, out var mapProblem))
        {
            return Problems.Parameter("map", Query.Clip(mapProblem!));
        }

        if (!TryDifference(request.Query["mde"].ToString(), out var mde))
        {
            return Problems.Parameter("mde", "Give the difference to detect as a number above 0 and at most 1, e.g. 0.1.");
        }

        var result = await service.CompareAsync(a, b, map, mde, cancellationToken).ConfigureAwait(false);
        return result.Kind switch
        {
            BatchActionResult.Accepted => Results.Json(result.Comparison, ApiJson.Options.Info<BatchComparison?>()),
            BatchActionResult.NotFound => Problems.NotFound(result.Reason!),
            BatchActionResult.Conflict => Problems.Conflict(result.Reason!),
            _ => Problems.Parameter("map", result.Reason!),
        };
    }

    private static bool TryDifference(string text, out double value)
    {
        if (text.Length == 0)
        {
            value = DefaultDetectableDifference;
            return true;
        }

        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value) && value > 0 && value <= 1;
    }
}
