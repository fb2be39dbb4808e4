namespace Orchestration.Api;

/// <summary>One route of the HTTP contract, as <see cref="ApiRoutes"/> declares it for both hosts.</summary>
/// <param name="Method">The HTTP method, upper case.</param>
/// <param name="Template">The route under <c>/api/</c>, with its constraints as ASP.NET Core and the Functions
/// host write them (e.g. <c>batches/{id}/runs/{task}/{index:int}/artifacts/{name}</c>).</param>
/// <param name="Name">The function name in the Functions host.</param>
/// <param name="KeyRequired">Whether the key is needed (the standalone API key, a function key in Azure).</param>
public sealed record ApiRoute(string Method, string Template, string Name, bool KeyRequired = true)
{
    /// <summary>The path as OpenAPI writes it: under <c>/api/</c>, without constraints or catch-all marks.</summary>
    public string OpenApiPath => "/api/" + string.Join('/', Template.Split('/').Select(OpenApiSegment));

    private static string OpenApiSegment(string segment)
    {
        if (!segment.StartsWith('{'))
        {
            return segment;
        }

        var name = segment.TrimStart('{', '*').TrimEnd('}');
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        return "{" + (colon < 0 ? name : name[..colon]) + "}";
    }
}
