using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>Maps every route under <c>/api</c>; all but <c>/api/health</c> and <c>/api/schema/batch.json</c> require the key when keys are configured.</summary>
    /// <param name="endpoints">The app.</param>
    /// <returns>The group of protected routes.</returns>
    /// <remarks>The host needs <see cref="Workflows.Service.BatchService"/> registered; <see cref="ApiOptions"/>
    /// defaults apply when <see cref="AddOrchestrationApi"/> was not called.</remarks>
    public static RouteGroupBuilder MapOrchestrationApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/api/health", () => Results.Json(new { status = "ok" }));
        endpoints.MapGet("/api/schema/batch.json", SchemaHandlers.Batch);
        var api = endpoints.MapGroup("/api").AddEndpointFilter<ApiKeyFilter>();
        api.MapGet("/openapi.json", () => Results.Text(OpenApiDocument.Json, "application/json"));
        api.MapPost("/batches", BatchHandlers.SubmitAsync);
        api.MapGet("/batches", BatchHandlers.ListAsync);
        api.MapGet("/batches/{id}", BatchHandlers.StatusAsync);
        api.MapGet("/batches/{id}/results", BatchHandlers.ResultsAsync);
        api.MapGet("/batches/{id}/runs", RunHandlers.RunsAsync);
        api.MapGet("/batches/{id}/runs/{task}/{index:int}/artifacts/{name}", RunHandlers.ArtifactAsync);
        api.MapPost("/batches/{id}/cancel", BatchHandlers.CancelAsync);
        api.MapDelete("/batches/{id}", BatchHandlers.PurgeAsync);
        api.MapPut("/inputs/{sha256}", InputHandlers.PutAsync);
        return api;
    }
}
