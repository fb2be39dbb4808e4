using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Options;

namespace Orchestration.Adapters.Google;

/// <summary>
/// Access tokens from Google.Apis.Auth for the configured <see cref="GoogleCredentialMode"/>, scoped to
/// cloud-platform.
/// </summary>
/// <remarks>
/// The credential is built once (on first use, retried if building failed) and Google.Apis.Auth caches
/// and refreshes its tokens before expiry, so calling this per request costs nothing. Uses
/// <c>CredentialFactory</c> rather than the obsolete <c>GoogleCredential.FromJson</c> loaders.
/// </remarks>
public sealed class GoogleCredentialTokenSource : IGoogleAccessTokenSource, IDisposable
{
    private readonly GoogleCredentialOptions _options;
    private readonly IAzureTokenSource? _azureTokens;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private GoogleCredential? _credential;

    /// <summary>Creates the source.</summary>
    /// <param name="options">Credential settings.</param>
    /// <param name="azureTokens">Azure managed identity tokens; required for workload identity federation.</param>
    public GoogleCredentialTokenSource(IOptions<GoogleCredentialOptions> options, IAzureTokenSource? azureTokens = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _azureTokens = azureTokens;
    }

    /// <inheritdoc />
    public async ValueTask<string?> GetAccessTokenAsync(CancellationToken cancellationToken = default)
    {
        if (_options.Mode == GoogleCredentialMode.None)
        {
            return null;
        }

        var credential = await GetCredentialAsync(cancellationToken);
        return await ((ITokenAccess)credential).GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);
    }

    /// <summary>Returns the credential, building it on first use.</summary>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <returns>The scoped credential.</returns>
    public async Task<GoogleCredential> GetCredentialAsync(CancellationToken cancellationToken = default)
    {
        if (_credential is { } built)
        {
            return built;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _credential ??= await BuildAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private async Task<GoogleCredential> BuildAsync(CancellationToken cancellationToken)
    {
        switch (_options.Mode)
        {
            case GoogleCredentialMode.ApplicationDefault:
                var adc = await GoogleCredential.GetApplicationDefaultAsync(cancellationToken);
                return adc.CreateScoped(GoogleCredentialOptions.CloudPlatformScope);
            case GoogleCredentialMode.ServiceAccountJson:
                var json = _options.ServiceAccountJson
                    ?? throw new InvalidOperationException($"{GoogleCredentialOptions.Section}:{nameof(GoogleCredentialOptions.ServiceAccountJson)} is not set.");
                return CredentialFactory.FromJson<ServiceAccountCredential>(json)
                    .ToGoogleCredential()
                    .CreateScoped(GoogleCredentialOptions.CloudPlatformScope);
            case GoogleCredentialMode.WorkloadIdentityFederation:
                return BuildWorkloadIdentity();
            default:
                throw new InvalidOperationException($"Credential mode {_options.Mode} has no credential.");
        }
    }

    private GoogleCredential BuildWorkloadIdentity()
    {
        var azure = _azureTokens
            ?? throw new InvalidOperationException($"Workload identity federation needs an {nameof(IAzureTokenSource)} registered.");
        var resource = _options.AzureResource
            ?? throw new InvalidOperationException($"{GoogleCredentialOptions.Section}:{nameof(GoogleCredentialOptions.AzureResource)} is not set.");
        var initializer = new ProgrammaticExternalAccountCredential.Initializer(
            _options.TokenUrl,
            _options.WorkloadIdentityAudience,
            "urn:ietf:params:oauth:token-type:jwt",
            new AzureSubjectTokenProvider(azure, resource))
        {
            Scopes = [GoogleCredentialOptions.CloudPlatformScope],
        };
        if (!string.IsNullOrWhiteSpace(_options.ServiceAccountEmail))
        {
            initializer.ServiceAccountImpersonationUrl =
                $"{_options.IamCredentialsUrl.TrimEnd('/')}/v1/projects/-/serviceAccounts/{_options.ServiceAccountEmail}:generateAccessToken";
        }

        return GoogleCredential.FromProgrammaticExternalAccountCredential(new ProgrammaticExternalAccountCredential(initializer));
    }

    private sealed class AzureSubjectTokenProvider(IAzureTokenSource azure, string resource)
        : ProgrammaticExternalAccountCredential.ISubjectTokenProvider
    {
        public Task<string> GetSubjectTokenAsync(ProgrammaticExternalAccountCredential caller, CancellationToken taskCancellationToken) =>
            azure.GetTokenAsync(resource, taskCancellationToken);
    }
}
