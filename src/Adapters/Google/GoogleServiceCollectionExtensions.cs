using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Storage;
using Orchestration.Adapters.CloudRun;
using Orchestration.Adapters.Storage;
using Polly;
using Polly.Timeout;

namespace Orchestration.Adapters.Google;

/// <summary>Composition of the Google adapters: credentials, HTTP clients with resilience, GCS (Google.Cloud.Storage.V1) and Cloud Run (REST).</summary>
public static class GoogleServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IGoogleAccessTokenSource"/> from <see cref="GoogleCredentialOptions"/>.</summary>
    /// <remarks>Does not replace a token source registered before (tests register a fixed one).</remarks>
    /// <param name="services">The services.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddGoogleCredentials(this IServiceCollection services)
    {
        services.AddOptions<GoogleCredentialOptions>()
            .BindConfiguration(GoogleCredentialOptions.Section)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GoogleCredentialOptions>, GoogleCredentialOptionsValidator>());
        services.TryAddSingleton<IGoogleAccessTokenSource>(sp =>
            sp.GetRequiredService<IOptions<GoogleCredentialOptions>>().Value.Mode == GoogleCredentialMode.None
                ? new NoAccessTokenSource()
                : ActivatorUtilities.CreateInstance<GoogleCredentialTokenSource>(sp));
        return services;
    }

    /// <summary>
    /// Registers <see cref="AppServiceManagedIdentityTokenSource"/> as the <see cref="IAzureTokenSource"/> for
    /// workload identity federation from an Azure Functions / App Service managed identity.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="clientId">Client id of a user-assigned identity, or null for the system-assigned one.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddAppServiceManagedIdentity(this IServiceCollection services, string? clientId = null)
    {
        // A token GET is idempotent: the standard pipeline (retries on 408/429/5xx, timeouts) fits.
        services.AddHttpClient(AppServiceManagedIdentityTokenSource.HttpClientName).AddStandardResilienceHandler();
        services.TryAddSingleton<IAzureTokenSource>(sp => new AppServiceManagedIdentityTokenSource(
            sp.GetRequiredService<IHttpClientFactory>(), clientId: clientId));
        return services;
    }

    /// <summary>Registers <see cref="GcsObjectStore"/> (Google.Cloud.Storage.V1) as the <see cref="IObjectStore"/>.</summary>
    /// <remarks>
    /// The library's HTTP clients come from the named clients <see cref="GcsObjectStore.HttpClientName"/> and
    /// <see cref="GcsObjectStore.RawHttpClientName"/>: a test may add handlers or replace the primary handler there.
    /// </remarks>
    /// <param name="services">The services.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddGcsObjectStore(this IServiceCollection services)
    {
        services.AddGoogleCredentials();
        services.AddOptions<GcsOptions>().BindConfiguration(GcsOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GcsOptions>, GcsOptionsValidator>());
        services.AddGoogleHttpOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddTransient<RetryAfterGateHandler>();
        services.AddGcsHttpClient(GcsObjectStore.HttpClientName, DecompressionMethods.All);
        services.AddGcsHttpClient(GcsObjectStore.RawHttpClientName, DecompressionMethods.None);
        services.TryAddSingleton<GcsObjectStore>();
        services.TryAddSingleton<IObjectStore>(sp => sp.GetRequiredService<GcsObjectStore>());
        return services;
    }

    /// <summary>Registers <see cref="CloudRunJobsClient"/> as the <see cref="ICloudRunJobsClient"/>.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddCloudRunJobsClient(this IServiceCollection services)
    {
        services.AddGoogleCredentials();
        services.AddOptions<CloudRunOptions>().BindConfiguration(CloudRunOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CloudRunOptions>, CloudRunOptionsValidator>());
        services.AddGoogleHttpClient(CloudRunJobsClient.HttpClientName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IStartRateLimiter>(sp => new TokenBucketStartRateLimiter(
            sp.GetRequiredService<IOptions<CloudRunOptions>>().Value.StartsPerMinute,
            sp.GetRequiredService<IOptions<CloudRunOptions>>().Value.StartBurst,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<CloudRunJobsClient>();
        services.TryAddSingleton<ICloudRunJobsClient>(sp => sp.GetRequiredService<CloudRunJobsClient>());
        return services;
    }

    /// <summary>Registers a named client: total timeout, retry (guarded calls only), attempt timeout, then auth.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">Client name.</param>
    /// <returns>The client builder.</returns>
    internal static IHttpClientBuilder AddGoogleHttpClient(this IServiceCollection services, string name)
    {
        services.AddGoogleHttpOptions();
        services.TryAddTransient<GoogleAuthHandler>();
        var builder = services.AddHttpClient(name, client => client.Timeout = Timeout.InfiniteTimeSpan);
        builder.AddResilienceHandler("google", (pipeline, context) =>
        {
            pipeline.AddTimeout(context.ServiceProvider.GetRequiredService<IOptions<GoogleHttpOptions>>().Value.TotalTimeout);
            pipeline.AddRetryThenAttemptTimeout(context.ServiceProvider, IsRetryable);
        });
        builder.AddHttpMessageHandler<GoogleAuthHandler>();
        return builder;
    }

    /// <summary>Binds <see cref="GoogleHttpOptions"/>, checked at start by the generated validator (registered once
    /// however many clients ask for the options).</summary>
    private static void AddGoogleHttpOptions(this IServiceCollection services)
    {
        services.AddOptions<GoogleHttpOptions>().BindConfiguration(GoogleHttpOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GoogleHttpOptions>, GoogleHttpOptionsValidator>());
    }

    /// <summary>
    /// A named client under Google.Cloud.Storage.V1's own retry loop: Retry-After gate, then a retry of what the
    /// library leaves unretried (<see cref="GcsTransportRetry"/>), then the per-attempt timeout. No total
    /// timeout here: the library's client applies <see cref="GoogleHttpOptions.TotalTimeout"/> over its retries.
    /// </summary>
    private static void AddGcsHttpClient(this IServiceCollection services, string name, DecompressionMethods decompression)
    {
        var builder = services.AddHttpClient(name)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // Resumable sessions answer 308 without Location; the library handles redirects itself.
                AllowAutoRedirect = false,
                AutomaticDecompression = decompression,

                // The storage client keeps its handler for its lifetime: recycle connections so DNS changes are seen.
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler<RetryAfterGateHandler>();
        builder.AddResilienceHandler(
            "google-storage",
            (pipeline, context) => pipeline.AddRetryThenAttemptTimeout(context.ServiceProvider, GcsTransportRetry.ShouldRetry));
    }

    /// <summary>
    /// The retry both Google clients share (exponential with jitter, Retry-After honoured, bounded by
    /// <see cref="GoogleHttpOptions"/>, each retry logged), then the per-attempt timeout. What may be retried
    /// differs per API and is the caller's predicate.
    /// </summary>
    private static void AddRetryThenAttemptTimeout(
        this ResiliencePipelineBuilder<HttpResponseMessage> pipeline,
        IServiceProvider services,
        Func<HttpRequestMessage?, Outcome<HttpResponseMessage>, CancellationToken, bool> retryable)
    {
        var options = services.GetRequiredService<IOptions<GoogleHttpOptions>>().Value;
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Orchestration.Adapters.Google.Http") ?? NullLogger.Instance;
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = Math.Max(1, options.MaxRetryAttempts),
            Delay = options.BaseDelay,
            MaxDelay = options.MaxDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(
                options.MaxRetryAttempts > 0 && retryable(args.Context.GetRequestMessage(), args.Outcome, args.Context.CancellationToken)),
            OnRetry = args =>
            {
                LogRetry(logger, args.Context.GetRequestMessage(), args.Outcome, args.AttemptNumber);
                return default;
            },
        });
        pipeline.AddTimeout(options.AttemptTimeout);
    }

    private static void LogRetry(ILogger logger, HttpRequestMessage? request, Outcome<HttpResponseMessage> outcome, int attemptNumber)
    {
        var result = outcome.Exception?.GetType().Name ?? ((int?)outcome.Result?.StatusCode)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?";
        logger.Retrying(request?.Method.Method ?? "?", request?.RequestUri?.AbsolutePath ?? "?", result, attemptNumber + 1);
    }

    private static bool IsRetryable(HttpRequestMessage? request, Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken)
    {
        if (request is null || !request.Options.TryGetValue(GoogleRequests.Retryable, out var retryable) || !retryable)
        {
            return false;
        }

        return outcome switch
        {
            { Exception: TimeoutRejectedException or HttpRequestException } => true,
            { Exception: OperationCanceledException } => !cancellationToken.IsCancellationRequested,
            { Result: { } response } => response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
                || ((int)response.StatusCode >= 500 && response.StatusCode != HttpStatusCode.NotImplemented),
            _ => false,
        };
    }
}
