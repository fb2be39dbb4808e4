using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Orchestration.Activities;
using Orchestration.Api;
using Orchestration.Server.Queue;
using Orchestration.Workflows.Service;

namespace Orchestration.Server;

/// <summary><c>serve</c>: the HTTP API on the embedded engine, with runs on the local job runner.</summary>
/// <remarks>Binds loopback by default. A non-loopback address is refused unless API keys are configured
/// and the URL is https, or the operator passes <c>--allow-insecure-remote</c>, which says what it risks:
/// anyone who can reach the port can start commands on this machine.</remarks>
internal static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    public static async Task<int> RunAsync(ServeArguments arguments, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = Environment.CurrentDirectory });
        builder.WebHost.UseUrls(arguments.Urls);

        // The API reads bodies under its own limits (Body.cs); the server-wide rate covers HTTP/2, where the
        // per-request rate cannot be set.
        var api = builder.Configuration.GetSection(ApiOptions.Section).Get<ApiOptions>() ?? new ApiOptions();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MinRequestBodyDataRate =
            new MinDataRate(api.MinBodyBytesPerSecond, TimeSpan.FromSeconds(api.MinBodyRateGraceSeconds)));
        builder.Services.AddStandaloneOrchestration(builder.Configuration, arguments.DataFolder);
        builder.Services.AddOrchestrationApi();
        builder.Services.AddOrchestrationTelemetry(builder.Configuration);
        builder.Services.AddQueueSubmissions(builder.Configuration);
        builder.Services.AddOptions<BatchServiceOptions>().PostConfigure<IOptions<RunSettings>>((options, runs) =>
        {
            // Over HTTP, path inputs only under a configured root; otherwise the CLI sends them as bundles.
            if (runs.Value.PathInputRoot is null)
            {
                options.Limits = options.Limits with { AllowPathInputs = false };
            }
        });

        if (Refusal(arguments, builder.Configuration) is { } reason)
        {
            await Console.Error.WriteLineAsync(reason).ConfigureAwait(false);
            return ExitCodes.Refused;
        }

        await using var app = builder.Build();
        app.MapOrchestrationApi();
        app.Services.GetRequiredService<DataFolder>().Create();
        await Console.Out.WriteLineAsync($"orchestration: serving the API on {arguments.Urls} (data in {app.Services.GetRequiredService<DataFolder>().Root})").ConfigureAwait(false);
        await app.RunAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.Completed;
    }

    private static string? Refusal(ServeArguments arguments, IConfiguration configuration)
    {
        if (!Uri.TryCreate(arguments.Urls, UriKind.Absolute, out var url))
        {
            return $"orchestration serve: --urls '{arguments.Urls}' is not an absolute URL such as {DefaultUrls}.";
        }

        var loopback = url.IsLoopback || (IPAddress.TryParse(url.Host, out var address) && IPAddress.IsLoopback(address));
        var keys = configuration.GetSection(ApiOptions.Section + ":Keys").GetChildren().Any(k => !string.IsNullOrEmpty(k.Value));
        if (loopback || arguments.AllowInsecureRemote || (keys && url.Scheme == Uri.UriSchemeHttps))
        {
            return null;
        }

        return $"orchestration serve: refusing to listen on {url.Host} (not loopback) without API keys " +
            "(Orchestration:Api:Keys, env Orchestration__Api__Keys__0) and an https URL: anyone who reaches the port could run commands on this machine. " +
            "Pass --allow-insecure-remote to accept that risk.";
    }
}
