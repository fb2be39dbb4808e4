using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestration.Activities;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Git;
using Orchestration.Activities.Storage;
using Orchestration.Activities.Stores;
using Orchestration.Adapters.Storage;
using Orchestration.Adapters.Stores;
using Orchestration.Adapters.Webhooks;
using Orchestration.Domain;
using Orchestration.Domain.Polling;
using Orchestration.Durable;
using Orchestration.Engine;
using Orchestration.Fakes;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows;
using Orchestration.Workflows.Service;

namespace Orchestration.Api.Tests;

/// <summary>A real Kestrel on a loopback port hosting the API over the embedded engine, SQLite stores, a
/// local-folder object store and an in-memory Cloud Run played by a scripted runner (as WorkflowHarness does).</summary>
public sealed class ApiHost : IAsyncDisposable
{
    public static readonly WorkflowSettings FastSettings = new(500, PollingOptions.Local with
    {
        FirstDelay = TimeSpan.FromMilliseconds(50),
        MaxDelay = TimeSpan.FromMilliseconds(200),
        StartGrace = TimeSpan.FromSeconds(2),
        TimeoutGrace = TimeSpan.FromMilliseconds(500),
        ThrottleFirstDelay = TimeSpan.FromMilliseconds(50),
        ThrottleMaxDelay = TimeSpan.FromMilliseconds(200),
        ExecutionCheckEvery = 2,
    }, FaultThreshold: 3, ActivityAttempts: 2);

    private readonly WebApplication _app;

    private ApiHost(WebApplication app, string root, HttpClient http)
    {
        _app = app;
        Root = root;
        Http = http;
    }

    public string Root { get; }

    public HttpClient Http { get; }

    /// <summary>How a run ends: by default it passes with response "ok"; tasks named "bad*" exit 1;
    /// tasks named "hang*" never finish.</summary>
    public Func<RunnerCall, Task> Runner { get; set; } = DefaultRunner;

    public IBatchStore Batches => _app.Services.GetRequiredService<IBatchStore>();

    public DurableTaskClient Client => _app.Services.GetRequiredService<DurableTaskClient>();

    public IObjectStore Objects => _app.Services.GetRequiredService<IObjectStore>();

    public IServiceProvider Services => _app.Services;

    public static async Task<ApiHost> StartAsync(Action<ApiOptions>? configure = null, Action<IServiceCollection>? addServices = null)
    {
        var root = Directory.CreateTempSubdirectory("api-").FullName;
        var objects = Path.Combine(root, "gcs", "test-bucket");
        Directory.CreateDirectory(objects);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var services = builder.Services;
        var database = new SqliteDatabase(Path.Combine(root, "stores.db"));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IBatchStore>(new SqliteBatchStore(database));
        services.AddSingleton<IResultStore>(new SqliteResultStore(database));
        services.AddSingleton<IObjectStore>(_ => new LocalFolderObjectStore(Options.Create(new LocalFolderObjectStoreOptions { Root = objects })));
        var cloudRun = new InMemoryCloudRun();
        services.AddSingleton<ICloudRunJobsClient>(cloudRun);
        services.AddSingleton<IGitResolver, FixedGit>();
        services.AddSingleton(Options.Create(new RunSettings { Bucket = "test-bucket" }));
        services.AddSingleton(Options.Create(new WebhookOptions()));
        services.AddHttpClient();
        services.AddSingleton<WebhookSender>();
        services.AddBatchActivities();
        services.AddSingleton(Options.Create(new BatchServiceOptions { Workflow = FastSettings }));
        services.AddSingleton<BatchService>();
        var apiOptions = new ApiOptions();
        configure?.Invoke(apiOptions);
        services.AddSingleton(Options.Create(apiOptions));
        services.AddEmbeddedDurableEngine(options =>
        {
            options.DatabasePath = Path.Combine(root, "engine.db");
            options.SerializerOptions = BatchJson.Options;
            WorkflowCatalog.Register((name, create) => options.AddOrchestrator(name, create), (name, create) => options.AddActivity(name, create));
        });
        addServices?.Invoke(services);
        var app = builder.Build();
        app.MapOrchestrationApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var host = new ApiHost(app, root, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) });
        host.Wire(cloudRun);
        return host;
    }

    private InMemoryCloudRun? _cloudRun;

    public InMemoryCloudRun Jobs => _cloudRun!;

    private void Wire(InMemoryCloudRun cloudRun)
    {
        _cloudRun = cloudRun;
        cloudRun.OnStarted = execution =>
        {
            var prefix = execution.Environment["RUN_PREFIX"]["gs://test-bucket/".Length..];
            var parts = prefix.TrimEnd('/').Split('/');
            var call = new RunnerCall(this, execution, prefix, parts[3], int.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture));
            _ = Task.Run(() => Runner(call));
            return Task.CompletedTask;
        };
    }

    private static Task DefaultRunner(RunnerCall call) => call.TaskId switch
    {
        var t when t.StartsWith("bad", StringComparison.Ordinal) => call.FinishAsync(1, "broken, \"quoted\"\nline"),
        var t when t.StartsWith("hang", StringComparison.Ordinal) => call.ClaimAsync(),
        _ => call.FinishAsync(0, call.RunIndex % 2 == 0 ? "ok FLAKY" : "ok"),
    };

    public async Task<HttpResponseMessage> SubmitAsync(string json, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/batches") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await Http.SendAsync(request);
    }

    public Task<JsonElement> WaitForStatusAsync(string id, Func<string, bool> done, int seconds = 30) =>
        WaitForDocumentAsync(id, status => done(status.GetProperty("status").GetString()!), seconds);

    /// <summary>Polls the batch's status document until <paramref name="done"/> holds for it (fails after <paramref name="seconds"/>).</summary>
    public async Task<JsonElement> WaitForDocumentAsync(string id, Func<JsonElement, bool> done, int seconds = 30)
    {
        var status = default(JsonElement);
        await Eventually.HoldsAsync(async () => done(status = await Http.GetFromJsonAsync<JsonElement>($"/api/batches/{id}")), $"batch {id} reached the state the test waits for", TimeSpan.FromSeconds(seconds));
        return status;
    }

    /// <summary>Every mapped route as (lowercase method, route template without constraints).</summary>
    public IReadOnlyList<(string Method, string Route)> Routes() =>
    [
        .. _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (m.ToLowerInvariant(),
                System.Text.RegularExpressions.Regex.Replace(e.RoutePattern.RawText!, ":[a-z]+}", "}").Replace("{*", "{", StringComparison.Ordinal)))),
    ];

    public async Task<int> InstanceCountAsync()
    {
        var count = 0;
        await foreach (var _ in Client.GetAllInstancesAsync(new OrchestrationQuery()))
        {
            count++;
        }

        return count;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A runner task may still be writing; the temp folder is left behind.
        }
    }

    private sealed class FixedGit : IGitResolver
    {
        public Task<string> ResolveAsync(string url, string gitRef, CancellationToken cancellationToken = default) => Task.FromResult(new string('c', 40));
    }
}
