using System.Net;
using System.Text.RegularExpressions;

namespace Orchestration.Api.Tests;

/// <summary>The dashboard's files as the API serves them: no key needed (the page holds no data), a policy that
/// allows only this origin's scripts, and a page whose scripts are all files (no inline script to allow).</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task Page_WithKeysConfigured_ServedWithoutAKeyUnderAStrictPolicy()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync(o => o.Keys.Add("k-dashboard-1"));

        // Act
        using var page = await host.Http.GetAsync("/api/ui/");
        using var script = await host.Http.GetAsync("/api/ui/app.js");
        using var style = await host.Http.GetAsync("/api/ui/app.css");
        using var data = await host.Http.GetAsync("/api/batches");

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, data.StatusCode);
        foreach (var (response, media) in new[] { (page, "text/html"), (script, "text/javascript"), (style, "text/css") })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(media, response.Content.Headers.ContentType?.MediaType);
            var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
            Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        }

        var html = await page.Content.ReadAsStringAsync();
        var scripts = ScriptTag().Matches(html);
        Assert.NotEmpty(scripts);
        Assert.All(scripts, tag => Assert.Matches("src=\"/api/ui/[a-z]+\\.js\"", tag.Value));
        Assert.DoesNotMatch("(?i)<[^>]*\\son[a-z]+\\s*=", html);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        var code = await script.Content.ReadAsStringAsync();
        foreach (var sink in new[] { ".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write", "new Function" })
        {
            Assert.DoesNotContain(sink, code, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("eval(", code, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownFile_IsA404Problem()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();

        // Act
        using var response = await host.Http.GetAsync("/api/ui/secrets.json");

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [GeneratedRegex("<script[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();
}
