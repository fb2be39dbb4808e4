using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;
using Orchestration.Activities;
using Orchestration.Api;
using Orchestration.Server.Queue;
using Orchestration.Workflows.Service;

namespace Orchestration.Server;

/// <summary><c>serve</c>: the HTTP API on the embedded engine, with runs on the local job runner.</summary>
/// <remarks>Listens where <c>--urls</c> says, else where <c>ASPNETCORE_URLS</c> (or the <c>urls</c> setting) says,
/// else on loopback port 8080. A non-loopback address is refused unless API keys are configured
/// and the URL is https, or the operator passes <c>--allow-insecure-remote</c>, which says what it risks:
/// anyone who can reach the port can start commands on this machine.</remarks>
internal static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(ApiOptions))]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = StandaloneServiceCollectionExtensions.ReflectionBinding)]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = StandaloneServiceCollectionExtensions.ReflectionBinding)]
    public static async Task<int> RunAsync(ServeArguments arguments, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [HostDefaults.NoConfigReload], ContentRootPath = Environment.CurrentDirectory });

        // Lowest priority, so appsettings and Logging__LogLevel__* still override them: one line per request
        // (RequestLog) instead of ASP.NET Core's five or six at Information.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            },
        });

        // The web host reads ASPNETCORE_URLS (and DOTNET_URLS) into the "urls" setting.
        var urls = arguments.Urls ?? builder.Configuration[WebHostDefaults.ServerUrlsKey] ?? DefaultUrls;
        builder.WebHost.UseUrls(urls);
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

        var keys = builder.Configuration.GetSection(ApiOptions.Section + ":Keys").GetChildren().Any(k => !string.IsNullOrEmpty(k.Value));
        if (Refusal(urls, arguments.AllowInsecureRemote, keys) is { } reason)
        {
            await Console.Error.WriteLineAsync(reason).ConfigureAwait(false);
            return ExitCodes.Refused;
        }

        using var lease = await DataFolderLock.TakeAsync(new DataFolder(Path.GetFullPath(arguments.DataFolder)), "serve", Console.Error, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            return ExitCodes.Refused;
        }

        await using var app = builder.Build();
        app.UseMiddleware<RequestLog>();
        app.MapOrchestrationApi();
        // The web dashboard lives under the API's prefix (as in the Functions host); the root leads to it.
        app.MapGet("/", () => Results.Redirect("/api/ui/"));
        app.Services.GetRequiredService<DataFolder>().Create();
        await Console.Out.WriteLineAsync($"orchestration: serving the API on {urls} (data in {app.Services.GetRequiredService<DataFolder>().Root})").ConfigureAwait(false);
        if (!keys)
        {
            await Console.Error.WriteLineAsync(
                $"orchestration serve: warning: no API keys are set (Orchestration:Api:Keys, env Orchestration__Api__Keys__0); " +
                $"whoever reaches {urls} can submit batches, and batches run commands on this machine.").ConfigureAwait(false);
        }

        await app.RunAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.Completed;
    }

    private static string? Refusal(string urls, bool allowInsecureRemote, bool keys)
    {
        foreach (var text in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Kestrel's wildcards ("http://*:80", "http://+:80") listen on every address.
            var parsable = text.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(parsable, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                return $"orchestration serve: '{text}' (--urls or ASPNETCORE_URLS) is not an absolute http(s) URL such as {DefaultUrls}.";
            }

            var loopback = url.IsLoopback || (IPAddress.TryParse(url.Host, out var address) && IPAddress.IsLoopback(address));
            if (loopback || allowInsecureRemote || (keys && url.Scheme == Uri.UriSchemeHttps))
            {
                continue;
            }

            return $"orchestration serve: refusing to listen on {url.Host} (not loopback) without API keys " +
                "(Orchestration:Api:Keys, env Orchestration__Api__Keys__0) and an https URL: anyone who reaches the port could run commands on this machine. " +
                "Pass --allow-insecure-remote to accept that risk.";
        }

        return null;
    }
}
