using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Hosting;

namespace Orchestration.Server.Tests;

/// <summary>The hosts' configuration does not watch the working directory (where the data folder usually is).</summary>
public sealed class HostDefaultsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("host-defaults-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void NoConfigReload_HostBuiltWithIt_AppsettingsSourcesDoNotReloadOnChange()
    {
        File.WriteAllText(Path.Combine(_root, "appsettings.json"), "{}");

        var watched = JsonSources([]);
        var unwatched = JsonSources([HostDefaults.NoConfigReload]);

        Assert.Contains(watched, s => s.ReloadOnChange);
        Assert.NotEmpty(unwatched);
        Assert.All(unwatched, s => Assert.False(s.ReloadOnChange, $"{s.Path} reloads on change"));
    }

    private List<JsonConfigurationSource> JsonSources(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = _root });
        return [.. ((IConfigurationBuilder)builder.Configuration).Sources.OfType<JsonConfigurationSource>()];
    }
}
