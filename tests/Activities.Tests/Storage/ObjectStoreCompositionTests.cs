using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestration.Activities.Storage;
using Orchestration.Adapters.Google;
using Orchestration.Adapters.Storage;

namespace Orchestration.Activities.Tests.Storage;

public sealed class ObjectStoreCompositionTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection> add)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        add(services);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task AddLocalFolderObjectStore_FromConfiguration_StoresUnderTheRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "orch-di-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var provider = Build(new() { ["ObjectStore:Local:Root"] = root }, s => s.AddLocalFolderObjectStore());
            provider.GetRequiredService<IStartupValidator>().Validate();

            await provider.GetRequiredService<IObjectStore>().PutAsync("a/b.txt", new MemoryStream(Encoding.UTF8.GetBytes("x")));

            Assert.True(File.Exists(Path.Combine(root, "a", "b.txt")));
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData(null, "262144", "Bucket")]
    [InlineData("bucket", "300000", "Google:Storage:ResumableChunkBytes")]
    public void AddGcsObjectStore_BadSettings_FailAtStartNamingTheSetting(string? bucket, string chunk, string named)
    {
        using var provider = Build(
            new() { ["Google:Credentials:Mode"] = "None", ["Google:Storage:Bucket"] = bucket, ["Google:Storage:ResumableChunkBytes"] = chunk },
            s => s.AddGcsObjectStore());

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
