using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Storage;
using Orchestration.Adapters.Google;
using Orchestration.Fakes;

namespace Orchestration.Activities.Tests.Google;

/// <summary>Composes the adapters exactly as a host does (options from configuration, DI, HTTP factory) against the fakes.</summary>
internal sealed class GoogleTestHost : IAsyncDisposable
{
    public const string Token = "test-token";

    private GoogleTestHost(ServiceProvider services, FakeGcsServer gcs, FakeCloudRunServer run)
    {
        Services = services;
        Gcs = gcs;
        Run = run;
    }

    public ServiceProvider Services { get; }

    public FakeGcsServer Gcs { get; }

    public FakeCloudRunServer Run { get; }

    public IObjectStore Store => Services.GetRequiredService<IObjectStore>();

    public ICloudRunJobsClient Jobs => Services.GetRequiredService<ICloudRunJobsClient>();

    public static async Task<GoogleTestHost> StartAsync(
        Dictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configure = null,
        TimeProvider? fakeTime = null)
    {
        var gcs = new FakeGcsServer("test-bucket", fakeTime) { RequiredBearerToken = Token };
        var run = new FakeCloudRunServer("test-project", "europe-west1", fakeTime) { RequiredBearerToken = Token };
        await gcs.StartAsync();
        await run.StartAsync();
        var all = new Dictionary<string, string?>
        {
            ["Google:Http:MaxRetryAttempts"] = "10",
            ["Google:Http:BaseDelay"] = "00:00:00.005",
            ["Google:Http:MaxDelay"] = "00:00:00.050",
            ["Google:Http:AttemptTimeout"] = "00:00:02",
            ["Google:Http:TotalTimeout"] = "00:00:30",
            ["Google:Storage:Bucket"] = gcs.Bucket,
            ["Google:Storage:BaseUrl"] = gcs.BaseUrl.ToString(),
            ["Google:Storage:ResumableChunkBytes"] = (256 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Google:CloudRun:Project"] = run.Project,
            ["Google:CloudRun:Region"] = run.Region,
            ["Google:CloudRun:BaseUrl"] = run.BaseUrl.ToString(),
            ["Google:CloudRun:OperationPollInterval"] = "00:00:00.010",
            ["Google:CloudRun:StartsPerMinute"] = "60000",
            ["Google:CloudRun:StartBurst"] = "1000",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(all).Build());
        services.AddLogging();
        services.AddSingleton<IGoogleAccessTokenSource>(new FixedTokenSource(Token));
        services.AddGcsObjectStore();
        services.AddCloudRunJobsClient();
        configure?.Invoke(services);
        return new GoogleTestHost(services.BuildServiceProvider(), gcs, run);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Gcs.DisposeAsync();
        await Run.DisposeAsync();
    }
}
