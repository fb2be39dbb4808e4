using System.Text.Json;

namespace Orchestration.Api.Tests;

/// <summary>The OpenAPI document against the route table (<see cref="ApiRoutes"/>), both ways: every route is
/// documented with its method and key, and the document names no operation the table does not declare.</summary>
public sealed class RouteTableTests
{
    // A path item's operations; its other members (parameters, summary) are not operations.
    private static readonly HashSet<string> HttpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    [Fact]
    public void OpenApiDocument_ComparedWithTheRouteTable_SameOperationsAndKeysBothWays()
    {
        // Arrange
        using var document = JsonDocument.Parse(OpenApiDocument.Json);
        var documented = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(member => HttpMethods.Contains(member.Name)).Select(operation => (
                Method: operation.Name.ToUpperInvariant(),
                Path: path.Name,
                // An operation without a key says "security": []; the others inherit the document's key.
                KeyRequired: !(operation.Value.TryGetProperty("security", out var security) && security.GetArrayLength() == 0))))
            .ToList();

        // Act
        var declared = ApiRoutes.All.Select(r => (r.Method, Path: r.OpenApiPath, r.KeyRequired)).ToList();

        // Assert
        Assert.Empty(declared.Except(documented));
        Assert.Empty(documented.Except(declared));
        Assert.Equal(declared.Count, documented.Count);
    }

    [Fact]
    public void OpenApiPath_ConstrainedParameter_WrittenWithoutTheConstraint()
    {
        Assert.Equal("/api/batches/{id}/runs/{task}/{index}/artifacts/{name}", ApiRoutes.GetRunArtifact.OpenApiPath);
    }
}
