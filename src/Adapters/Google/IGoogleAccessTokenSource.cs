
namespace Orchestration.Adapters.Google;

/// <summary>Supplies the OAuth access token put on every Google API request.</summary>
/// <remarks>
/// The adapters depend on this port rather than on Google.Apis.Auth (the Cloud Run REST client through
/// <c>GoogleAuthHandler</c>, the storage library through <see cref="TokenSourceCredential"/>), so tests run
/// against the loopback fakes with a fixed token (or none) and no network. Implementations cache tokens:
/// it is called once per HTTP attempt.
/// </remarks>
public interface IGoogleAccessTokenSource
{
    /// <summary>Returns a bearer token, or null to send the request without authorization.</summary>
    /// <param name="cancellationToken">Cancels the token fetch.</param>
    /// <returns>The access token or null.</returns>
    ValueTask<string?> GetAccessTokenAsync(CancellationToken cancellationToken = default);
}
