using Google.Apis.Http;
using Orchestration.Adapters.Google;
using GoogleHttpClientFactory = Google.Apis.Http.IHttpClientFactory;

namespace Orchestration.Adapters.Storage;

/// <summary>
/// Gives Google.Cloud.Storage.V1 its HTTP clients from <see cref="IHttpMessageHandlerFactory"/>: the named
/// clients <see cref="GcsObjectStore.HttpClientName"/> (decompressing) and
/// <see cref="GcsObjectStore.RawHttpClientName"/> (for the library's raw downloads), so the project's
/// handlers (per-attempt timeout, transport retries, Retry-After) and any test handler or base address
/// apply under the library's own retry loop.
/// </summary>
/// <remarks>
/// The library asks for one client that may decompress and one that must not; a handler from the factory
/// is not disposed with the client (the factory owns it). The client's retry budget and overall timeout
/// come from <see cref="GoogleHttpOptions"/>.
/// </remarks>
internal sealed class GcsHttpClientFactory : GoogleHttpClientFactory
{
    private readonly HttpClientFromMessageHandlerFactory _inner;
    private readonly GoogleHttpOptions _http;

    /// <summary>Creates the factory.</summary>
    /// <param name="handlers">Microsoft's handler factory holding the two named clients.</param>
    /// <param name="http">Retry and timeout settings.</param>
    public GcsHttpClientFactory(IHttpMessageHandlerFactory handlers, GoogleHttpOptions http)
    {
        _http = http;
        // Decompresses exactly when allowed; never follows redirects (a resumable session answers 308 itself).
        _inner = new HttpClientFromMessageHandlerFactory(options =>
            new HttpClientFromMessageHandlerFactory.ConfiguredHttpMessageHandler(
                handlers.CreateHandler(options.MayPerformDecompression ? GcsObjectStore.HttpClientName : GcsObjectStore.RawHttpClientName),
                options.MayPerformDecompression,
                false));
    }

    /// <inheritdoc />
    public ConfigurableHttpClient CreateHttpClient(CreateHttpClientArgs args)
    {
        var client = _inner.CreateHttpClient(args);

        // The library has no attempt limit of its own: its retries (and resumable chunk recoveries) stop at NumTries.
        client.MessageHandler.NumTries = Math.Clamp(_http.MaxRetryAttempts + 1, 1, ConfigurableMessageHandler.MaxAllowedNumTries);

        // HttpClient.Timeout spans the library's whole retry loop of one HTTP call.
        client.Timeout = _http.TotalTimeout;
        return client;
    }
}
