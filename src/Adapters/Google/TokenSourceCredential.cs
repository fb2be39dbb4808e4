using System.Net.Http.Headers;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Http;

namespace Orchestration.Adapters.Google;

/// <summary>
/// The project's <see cref="IGoogleAccessTokenSource"/> as a Google.Apis <see cref="ICredential"/>, so the
/// Google client libraries (Google.Cloud.Storage.V1) authenticate exactly as the REST adapters do: the
/// configured mode (application default, key JSON, workload identity federation) or none for the fakes.
/// </summary>
/// <remarks>
/// Registered as an execute interceptor: the library calls it before every attempt, including its
/// retries, so a retry carries a fresh token. A token service refusal is thrown before anything is sent.
/// </remarks>
/// <param name="tokens">The token source.</param>
internal sealed class TokenSourceCredential(IGoogleAccessTokenSource tokens) : ICredential, IHttpExecuteInterceptor
{
    /// <inheritdoc />
    public void Initialize(ConfigurableHttpClient httpClient) => httpClient.MessageHandler.AddExecuteInterceptor(this);

    /// <inheritdoc />
    public async Task<string> GetAccessTokenForRequestAsync(string? authUri = null, CancellationToken cancellationToken = default) =>
        await tokens.GetAccessTokenAsync(cancellationToken) ?? string.Empty;

    /// <inheritdoc />
    public async Task InterceptAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAccessTokenAsync(cancellationToken);
        request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
    }
}
