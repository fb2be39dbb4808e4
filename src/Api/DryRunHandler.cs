using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestration.Domain;
using Orchestration.Workflows.Service;

namespace Orchestration.Api;

/// <summary><c>POST /api/batches?dryRun=true</c>: the submit route's plan-only answer.</summary>
internal static class DryRunHandler
{
    /// <summary>Reads the <c>dryRun</c> query parameter: absent, <c>true</c> or <c>false</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="dryRun">Whether a plan is asked for.</param>
    /// <param name="problem">The 400 answer when the value is neither.</param>
    /// <returns>True when the parameter reads.</returns>
    public static bool TryRead(HttpRequest request, out bool dryRun, out IResult problem)
    {
        var value = request.Query["dryRun"].ToString();
        dryRun = string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
        problem = Results.Empty;
        if (dryRun || value.Length == 0 || string.Equals(value, "false", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        problem = Problems.Parameter("dryRun", $"'{Query.Clip(value)}' is not true or false.");
        return false;
    }

    /// <summary>Plans the document: 200 with the plan, or the same 400 a submit answers.</summary>
    /// <remarks>The planner comes from the request's services (created there if not registered): both hosts call the
    /// submit handler with the parameters they bind, and a dry run is the only part of it that needs the planner.</remarks>
    /// <param name="request">The request.</param>
    /// <param name="body">The document.</param>
    /// <param name="idempotencyKey">The <c>Idempotency-Key</c> header, or null.</param>
    /// <param name="logger">The API's logger.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer.</returns>
    public static async Task<IResult> PlanAsync(HttpRequest request, ReadOnlyMemory<byte> body, string? idempotencyKey, ILogger logger, CancellationToken cancellationToken)
    {
        var planner = ActivatorUtilities.GetServiceOrCreateInstance<BatchPlanner>(request.HttpContext.RequestServices);
        var result = await planner.PlanAsync(body, idempotencyKey, cancellationToken).ConfigureAwait(false);
        return result.Plan is null ? BatchHandlers.Invalid(result.Problems, logger) : Results.Json(result.Plan, ApiJson.Rows.Info<DryRunPlan>());
    }
}
