using System.Net.Http.Json;
using Orchestration.Activities;

namespace Orchestration.Adapters.Google;

/// <summary>
/// Azure managed identity tokens from the App Service / Functions identity endpoint
/// (<c>IDENTITY_ENDPOINT</c> with the <c>X-IDENTITY-HEADER</c> secret, api-version 2019-08-01).
/// </summary>
/// <remarks>
/// Functions do not expose the VM IMDS address that gcloud's generated Azure config points at, which
/// is why the subject token is fetched here and handed to a programmatic external-account credential.
/// The identity header is a per-process secret: it is never logged.
/// </remarks>
/// <param name="httpClientFactory">Creates the client named <see cref="HttpClientName"/>.</param>
/// <param name="endpoint">The identity endpoint; defaults to the <c>IDENTITY_ENDPOINT</c> environment variable.</param>
/// <param name="identityHeader">The header secret; defaults to the <c>IDENTITY_HEADER</c> environment variable.</param>
/// <param name="clientId">Client id of a user-assigned identity, or null for the system-assigned one.</param>
public sealed class AppServiceManagedIdentityTokenSource(
    IHttpClientFactory httpClientFactory,
    string? endpoint = null,
    string? identityHeader = null,
    string? clientId = null) : IAzureTokenSource
{
    /// <summary>Name of the HTTP client used for the identity endpoint.</summary>
    public const string HttpClientName = "azure-managed-identity";

    /// <inheritdoc />
    public async Task<string> GetTokenAsync(string resource, CancellationToken cancellationToken = default)
    {
        var baseUrl = endpoint ?? Environment.GetEnvironmentVariable("IDENTITY_ENDPOINT")
            ?? throw new InvalidOperationException("IDENTITY_ENDPOINT is not set: no managed identity on this host.");
        var secret = identityHeader ?? Environment.GetEnvironmentVariable("IDENTITY_HEADER")
            ?? throw new InvalidOperationException("IDENTITY_HEADER is not set: no managed identity on this host.");
        var url = $"{baseUrl}?api-version=2019-08-01&resource={Uri.EscapeDataString(resource)}"
            + (clientId is null ? string.Empty : $"&client_id={Uri.EscapeDataString(clientId)}");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-IDENTITY-HEADER", secret);
        var http = httpClientFactory.CreateClient(HttpClientName);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new CloudServiceException((int)response.StatusCode, null, $"Managed identity endpoint answered {(int)response.StatusCode}.");
        }

        var body = await response.Content.ReadFromJsonAsync(AdaptersJsonContext.Default.JsonElement, cancellationToken);
        return body.TryGetProperty("access_token", out var token) && token.GetString() is { Length: > 0 } jwt
            ? jwt
            : throw new CloudServiceException(502, "INTERNAL", "Managed identity endpoint answered without access_token.");
    }
}
