using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Orchestration.Activities.Webhooks;
using Polly;

namespace Orchestration.Adapters.Webhooks;

/// <summary>Registers the webhook sender and its guarded, retrying HTTP client.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>Adds <see cref="WebhookSender"/> (also as <see cref="IWebhookSender"/>), options bound from <see cref="WebhookOptions.Section"/>.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.AddHttpClient(WebhookOptions.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => new GuardedConnector(sp.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowLoopback).CreateHandler())
            .AddResilienceHandler("webhook-retries", (builder, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value;
                builder.AddRetry(new HttpRetryStrategyOptions
                {
                    // The receiver dedupes by Idempotency-Key, so repeating a POST is safe. A refused
                    // destination is permanent and not retried.
                    MaxRetryAttempts = options.MaxAttempts - 1,
                    Delay = options.FirstRetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = false,
                    ShouldRetryAfterHeader = true,
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                    {
                        { Exception: HttpRequestException { InnerException: WebhookRefusedException } } => false,
                        { Exception: HttpRequestException or Polly.Timeout.TimeoutRejectedException } => true,
                        { Result: { } response } => response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500,
                        _ => false,
                    }),
                });
                builder.AddTimeout(options.AttemptTimeout);
            });
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<IWebhookSender>(sp => sp.GetRequiredService<WebhookSender>());
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
