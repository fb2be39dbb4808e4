using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orchestration.Activities;

namespace Orchestration.Server;

/// <summary>OpenTelemetry for <c>serve</c>: traces (HTTP requests, outgoing calls, one span per
/// activity execution) and metrics (the product's counters, HTTP, runtime).</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The OpenTelemetry service name.</summary>
    public const string ServiceName = "orchestration";

    /// <summary>Standard OpenTelemetry setting naming the OTLP collector; the exporter is on only when it is set.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Wires tracing and metrics; exports over OTLP when <see cref="OtlpEndpointSetting"/> is configured
    /// (environment or configuration, with the other standard <c>OTEL_*</c> settings), otherwise collects nothing out of process.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The host configuration.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddOrchestrationTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithTracing(tracing => tracing
                .AddSource(OrchestrationTelemetry.Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/api/health", StringComparison.Ordinal))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(OrchestrationTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation());
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]))
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }
}
