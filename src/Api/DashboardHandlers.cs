using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace Orchestration.Api;

/// <summary><c>GET /api/ui/{*asset}</c>: the web dashboard, static files embedded in this assembly (Dashboard/).</summary>
/// <remarks>The page holds no data and no secret: it asks for the API key, keeps it in the tab's sessionStorage and
/// sends it as <c>x-functions-key</c> on each call to the API, so serving it needs no key. The policy allows
/// scripts, styles and connections to this origin only and no inline script; every server value is written to
/// the page as text.</remarks>
internal static class DashboardHandlers
{
    /// <summary>The Content-Security-Policy of every dashboard file.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, (byte[] Bytes, string ContentType)> Assets = Load();

    /// <summary>The file named <paramref name="asset"/> (the page for an empty name), or 404.</summary>
    /// <param name="asset">The file under /api/ui/.</param>
    /// <param name="context">The request.</param>
    /// <returns>The file with its security headers.</returns>
    public static IResult Asset(string? asset, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = string.IsNullOrEmpty(asset) ? "index.html" : asset;
        if (!Assets.TryGetValue(name, out var file))
        {
            return Problems.NotFound($"The dashboard has no file '{Query.Clip(name)}'.");
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        return Results.Bytes(file.Bytes, file.ContentType);
    }

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(DashboardHandlers).Assembly;
        const string prefix = "Dashboard/";
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var name = resource[prefix.Length..];
            files[name] = (memory.ToArray(), Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                _ => "application/octet-stream",
            });
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
