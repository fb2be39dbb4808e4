using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestration.Functions.Tests.Support;

/// <summary>A response as both hosts are compared on: status, content type, Location, Retry-After and body.</summary>
public sealed record HttpAnswer(int Status, string? ContentType, string? Location, string Body, string? RetryAfter = null)
{
    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);

    public JsonElement Element => JsonDocument.Parse(Body).RootElement.Clone();

    public static async Task<HttpAnswer> FromAsync(HttpResponseMessage response) => new(
        (int)response.StatusCode,
        response.Content.Headers.ContentType?.ToString(),
        response.Headers.Location?.ToString(),
        await response.Content.ReadAsStringAsync(),
        response.Headers.RetryAfter?.ToString());

    public override string ToString() => $"{Status} {ContentType} {Location} Retry-After: {RetryAfter}\n{Body}";
}
