using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestration.Api;
using Orchestration.Workflows.Service;

namespace Orchestration.Functions.Tests.Metadata;

/// <summary>One route the standalone server maps: method, template (with its constraints, as written) and whether
/// it is behind the API key.</summary>
public sealed record StandaloneRoute(string Method, string Template, bool KeyRequired);

/// <summary>The route table of src/Api as the standalone server maps it (<see cref="OrchestrationApi.MapOrchestrationApi"/>),
/// read from the endpoints ASP.NET Core builds, not from a copy of the list.</summary>
public static class StandaloneRouteTable
{
    public static IReadOnlyList<StandaloneRoute> Read()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddOrchestrationApi();
        // The handlers take the batch service from the container; registered so that ASP.NET Core infers it as a
        // service when it builds the endpoints. No request is sent, so it is never created.
        builder.Services.AddSingleton<BatchService>(_ => throw new InvalidOperationException("No request is sent."));
        using var app = builder.Build();

        // MapOrchestrationApi returns the group behind the key filter (its documented contract); marking the group
        // tells its endpoints from the ones mapped outside it (health).
        app.MapOrchestrationApi().WithMetadata(new KeyRequiredMarker());
        return
        [
            .. ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
                .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => new StandaloneRoute(
                    m.ToLowerInvariant(), e.RoutePattern.RawText!.TrimStart('/'), e.Metadata.GetMetadata<KeyRequiredMarker>() is not null))),
        ];
    }

    private sealed class KeyRequiredMarker;
}
