using System.Net.Http.Headers;

namespace Orchestration.Activities.Google;

/// <summary>Puts the bearer token on each attempt (inside the retry handler, so a retry gets a fresh token).</summary>
/// <param name="tokens">The token source.</param>
internal sealed class GoogleAuthHandler(IGoogleAccessTokenSource tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAccessTokenAsync(cancellationToken);
        request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken);
    }
}
