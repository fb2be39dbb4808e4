
namespace Orchestration.Adapters.Google;

/// <summary>Fetches an Entra ID token of this host's Azure managed identity (the workload identity federation subject token).</summary>
/// <remarks>
/// Kept behind a port so the Google side needs no Azure SDK: the Azure host implements it with
/// Azure.Identity (or <see cref="AppServiceManagedIdentityTokenSource"/>), tests with a fixed JWT.
/// </remarks>
public interface IAzureTokenSource
{
    /// <summary>Returns the raw JWT for <paramref name="resource"/>.</summary>
    /// <param name="resource">Entra application ID URI the token is for.</param>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <returns>The JWT.</returns>
    Task<string> GetTokenAsync(string resource, CancellationToken cancellationToken = default);
}
