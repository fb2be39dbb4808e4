using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestration.Domain;

namespace Orchestration.Api;

/// <summary>Registers and maps the HTTP contract both hosts share.</summary>
public static class OrchestrationApi
{
    /// <summary>Binds <see cref="ApiOptions"/> from <see cref="ApiOptions.Section"/> and validates it at start; adds
    /// <see cref="ApiJson.Resolver"/> to the host's HTTP JSON options.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddOrchestrationApi(this IServiceCollection services)
    {
        // The [Range] checks through a source-generated validator (no reflection over the options' members).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>());
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateOnStart();
        // The handlers write with ApiJson's options, but the generated endpoints look up object's metadata in the
        // host's (for results that are not an IResult, which ours never are): it must be there with reflection off.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(ApiJson.Resolver));
        return services;
    }

    /// <summary>Maps every route of <see cref="ApiRoutes"/> under <c>/api</c>; those with <see cref="ApiRoute.KeyRequired"/>
    /// (all but <c>/api/health</c> and <c>/api/schema/batch.json</c>) require the key when keys are configured.</summary>
    /// <param name="endpoints">The app.</param>
    /// <returns>The group of protected routes.</returns>
    /// <remarks>The host needs <see cref="Workflows.Service.BatchService"/> registered; <see cref="ApiOptions"/>
    /// defaults apply when <see cref="AddOrchestrationApi"/> was not called (a natively compiled host then adds
    /// <see cref="ApiJson.Resolver"/> to its HTTP JSON options itself).</remarks>
    public static RouteGroupBuilder MapOrchestrationApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.MapGroup("/api").AddEndpointFilter<ApiKeyFilter>();
        Map(endpoints, api, ApiRoutes.Health, (e, p, m) => e.MapMethods(p, m, () => Results.Json(new HealthAnswer("ok"), ApiJson.Options.Info<HealthAnswer>())));
        Map(endpoints, api, ApiRoutes.BatchSchema, (e, p, m) => e.MapMethods(p, m, SchemaHandlers.Batch));
        Map(endpoints, api, ApiRoutes.OpenApi, (e, p, m) => e.MapMethods(p, m, () => Results.Text(OpenApiDocument.Json, "application/json")));
        Map(endpoints, api, ApiRoutes.SubmitBatch, (e, p, m) => e.MapMethods(p, m, BatchHandlers.SubmitAsync));
        Map(endpoints, api, ApiRoutes.ListBatches, (e, p, m) => e.MapMethods(p, m, BatchHandlers.ListAsync));
        Map(endpoints, api, ApiRoutes.GetBatchStatus, (e, p, m) => e.MapMethods(p, m, BatchHandlers.StatusAsync));
        Map(endpoints, api, ApiRoutes.GetBatchResults, (e, p, m) => e.MapMethods(p, m, BatchHandlers.ResultsAsync));
        Map(endpoints, api, ApiRoutes.GetBatchRuns, (e, p, m) => e.MapMethods(p, m, RunHandlers.RunsAsync));
        Map(endpoints, api, ApiRoutes.GetBatchEvents, (e, p, m) => e.MapMethods(p, m, EventHandlers.EventsAsync));
        Map(endpoints, api, ApiRoutes.GetRunArtifact, (e, p, m) => e.MapMethods(p, m, RunHandlers.ArtifactAsync));
        Map(endpoints, api, ApiRoutes.CancelBatch, (e, p, m) => e.MapMethods(p, m, BatchHandlers.CancelAsync));
        Map(endpoints, api, ApiRoutes.RejudgeBatch, (e, p, m) => e.MapMethods(p, m, BatchHandlers.RejudgeAsync));
        Map(endpoints, api, ApiRoutes.RerunBatch, (e, p, m) => e.MapMethods(p, m, BatchHandlers.RerunAsync));
        Map(endpoints, api, ApiRoutes.PurgeBatch, (e, p, m) => e.MapMethods(p, m, BatchHandlers.PurgeAsync));
        Map(endpoints, api, ApiRoutes.PutInputBundle, (e, p, m) => e.MapMethods(p, m, InputHandlers.PutAsync));
        Map(endpoints, api, ApiRoutes.Dashboard, (e, p, m) => e.MapMethods(p, m, (string? asset, HttpContext context) => DashboardHandlers.Asset(asset, context)));
        Map(endpoints, api, ApiRoutes.CompareBatches, (e, p, m) => e.MapMethods(p, m, CompareHandlers.CompareAsync));
        return api;
    }

    // Method and template come from the table; routes without the key stay outside the filtered group. Each
    // handler is written inside its MapMethods call, where the request delegate generator sees it (a handler
    // passed on as a Delegate would be bound by reflection at start).
    private static void Map(IEndpointRouteBuilder endpoints, RouteGroupBuilder api, ApiRoute route,
        Func<IEndpointRouteBuilder, string, string[], RouteHandlerBuilder> map)
    {
        if (route.KeyRequired)
        {
            map(api, "/" + route.Template, [route.Method]);
        }
        else
        {
            map(endpoints, "/api/" + route.Template, [route.Method]);
        }
    }
}
