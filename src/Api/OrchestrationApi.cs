using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Domain;

namespace Orchestration.Api;

/// <summary>Registers and maps the HTTP contract both hosts share.</summary>
public static class OrchestrationApi
{
    /// <summary>Binds <see cref="ApiOptions"/> from <see cref="ApiOptions.Section"/> and validates it at start.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddOrchestrationApi(this IServiceCollection services)
    {
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    /// <summary>Maps every route of <see cref="ApiRoutes"/> under <c>/api</c>; those with <see cref="ApiRoute.KeyRequired"/>
    /// (all but <c>/api/health</c> and <c>/api/schema/batch.json</c>) require the key when keys are configured.</summary>
    /// <param name="endpoints">The app.</param>
    /// <returns>The group of protected routes.</returns>
    /// <remarks>The host needs <see cref="Workflows.Service.BatchService"/> registered; <see cref="ApiOptions"/>
    /// defaults apply when <see cref="AddOrchestrationApi"/> was not called.</remarks>
    public static RouteGroupBuilder MapOrchestrationApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.MapGroup("/api").AddEndpointFilter<ApiKeyFilter>();
        Map(endpoints, api, ApiRoutes.Health, () => Results.Json(new HealthAnswer("ok"), ApiJson.Options.Info<HealthAnswer>()));
        Map(endpoints, api, ApiRoutes.BatchSchema, SchemaHandlers.Batch);
        Map(endpoints, api, ApiRoutes.OpenApi, () => Results.Text(OpenApiDocument.Json, "application/json"));
        Map(endpoints, api, ApiRoutes.SubmitBatch, BatchHandlers.SubmitAsync);
        Map(endpoints, api, ApiRoutes.ListBatches, BatchHandlers.ListAsync);
        Map(endpoints, api, ApiRoutes.GetBatchStatus, BatchHandlers.StatusAsync);
        Map(endpoints, api, ApiRoutes.GetBatchResults, BatchHandlers.ResultsAsync);
        Map(endpoints, api, ApiRoutes.GetBatchRuns, RunHandlers.RunsAsync);
        Map(endpoints, api, ApiRoutes.GetBatchEvents, EventHandlers.EventsAsync);
        Map(endpoints, api, ApiRoutes.GetRunArtifact, RunHandlers.ArtifactAsync);
        Map(endpoints, api, ApiRoutes.CancelBatch, BatchHandlers.CancelAsync);
        Map(endpoints, api, ApiRoutes.RejudgeBatch, BatchHandlers.RejudgeAsync);
        Map(endpoints, api, ApiRoutes.RerunBatch, BatchHandlers.RerunAsync);
        Map(endpoints, api, ApiRoutes.PurgeBatch, BatchHandlers.PurgeAsync);
        Map(endpoints, api, ApiRoutes.PutInputBundle, InputHandlers.PutAsync);
        Map(endpoints, api, ApiRoutes.Dashboard, (string? asset, HttpContext context) => DashboardHandlers.Asset(asset, context));
        Map(endpoints, api, ApiRoutes.CompareBatches, CompareHandlers.CompareAsync);
        return api;
    }

    // Method and template come from the table; routes without the key stay outside the filtered group.
    private static void Map(IEndpointRouteBuilder endpoints, RouteGroupBuilder api, ApiRoute route, Delegate handler)
    {
        if (route.KeyRequired)
        {
            api.MapMethods("/" + route.Template, [route.Method], handler);
        }
        else
        {
            endpoints.MapMethods("/api/" + route.Template, [route.Method], handler);
        }
    }
}
