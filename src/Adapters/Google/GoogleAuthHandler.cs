using System.Net.Http.Headers;
using Google.Apis.Auth.OAuth2.Responses;
using Orchestration.Activities;

namespace Orchestration.Adapters.Google;

/// <summary>Puts the bearer token on each attempt (inside the retry handler, so a retry gets a fresh token).</summary>
/// <param name="tokens">The token source.</param>
internal sealed class GoogleAuthHandler(IGoogleAccessTokenSource tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string? token;
        try
        {
            token = await tokens.GetAccessTokenAsync(cancellationToken);
        }
        catch (TokenResponseException ex)
        {
            // The token service refused (bad key, federation misconfigured): permanent until fixed, never retried.
            throw new CloudServiceException(401, "UNAUTHENTICATED", $"Could not get a Google access token: {ex.Error?.Error ?? ex.Message}", innerException: ex);
        }

        request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken);
    }
}
