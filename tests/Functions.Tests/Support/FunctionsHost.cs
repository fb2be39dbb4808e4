using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Git;
using Orchestration.Activities.Storage;
using Orchestration.Adapters.Storage;
using Orchestration.Api.Tests;
using Orchestration.DurableSdk;
using Orchestration.Fakes;
using Orchestration.Functions.Tests.Metadata;
using Orchestration.Workflows.Service;

namespace Orchestration.Functions.Tests.Support;

/// <summary>The Functions host's services as production composes them (<see cref="FunctionsServiceCollectionExtensions.AddOrchestrationFunctions"/>:
/// Azure Table and Blob stores, here on Azurite, the submission queue clients, the poison writer), with only
/// Google's side played by fakes (a local-folder object store, an in-memory Cloud Run, a fixed git resolver), and
/// the real Durable Task SDK client and worker in process (<c>Microsoft.DurableTask.InProcessTestHost</c>) running the
/// catalog through src/DurableSdk, with the production worker's data converter.</summary>
/// <remarks>HTTP functions are invoked as the Functions host invokes them: the function is chosen by method and
/// route from <c>functions.metadata</c>, its route values bound to its parameters by name, the durable client
/// passed as the <c>[DurableClient]</c> binding would, and the <see cref="IResult"/> it returns executed on the
/// request's <see cref="HttpContext"/> (ASP.NET Core integration).</remarks>
public sealed class FunctionsHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string _root;

    private FunctionsHost(IHost host, string root, InMemoryCloudRun jobs)
    {
        _host = host;
        _root = root;
        Jobs = jobs;
    }

    public IServiceProvider Services => _host.Services;

    public DurableTaskClient Client => Services.GetRequiredService<DurableTaskClient>();

    public InMemoryCloudRun Jobs { get; }

    public IObjectStore Objects => Services.GetRequiredService<IObjectStore>();

    public static async Task<FunctionsHost> StartAsync(string storageConnectionString, Microsoft.DurableTask.DataConverter converter)
    {
        var root = Directory.CreateTempSubdirectory("functions-").FullName;
        var objects = Path.Combine(root, "gcs", "test-bucket");
        Directory.CreateDirectory(objects);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orchestration:AzureStorage:ConnectionString"] = storageConnectionString,
            ["Orchestration:Queue:BlobContainer"] = "documents",
            ["Orchestration:Queue:MessageEncoding"] = "Base64",
            ["Google:Credentials:Mode"] = "None",
            ["Google:Storage:Bucket"] = "test-bucket",
            ["Google:CloudRun:Project"] = "test-project",
            ["Google:CloudRun:Region"] = "test-region",
        });
        var services = builder.Services;
        services.AddLogging();

        // Google's side: registered first, so the production registrations (TryAdd) keep these.
        services.AddSingleton<IObjectStore>(_ => new LocalFolderObjectStore(Options.Create(new LocalFolderObjectStoreOptions { Root = objects })));
        var jobs = new InMemoryCloudRun();
        services.AddSingleton<ICloudRunJobsClient>(jobs);

        services.AddOrchestrationFunctions(builder.Configuration);

        // After production: no git subprocess in tests, and the fast polling the standalone test host uses.
        services.AddSingleton<IGitResolver, FixedGit>();
        services.PostConfigure<BatchServiceOptions>(o => o.Workflow = ApiHost.FastSettings);

        // The real SDK in process, on a port chosen here so parallel test assemblies do not collide.
        services.AddInMemoryDurableTask(tasks => tasks.AddOrchestrationWorkflows(), new InMemoryDurableTaskOptions { Port = FreePort.Next() });
        services.PostConfigureAll<DurableTaskWorkerOptions>(o => o.DataConverter = converter);
        services.PostConfigureAll<DurableTaskClientOptions>(o => o.DataConverter = converter);

        var host = builder.Build();
        await host.StartAsync();
        var functionsHost = new FunctionsHost(host, root, jobs);
        jobs.OnStarted = execution => ScriptedRunner.StartAsync(execution, functionsHost.Objects, jobs);
        return functionsHost;
    }

    /// <summary>Sends a request to the HTTP function whose method and route match, as the Functions host would.</summary>
    public async Task<HttpAnswer> SendAsync(string method, string pathAndQuery, string? body = null, IReadOnlyDictionary<string, string>? headers = null, string host = "localhost")
    {
        var (path, query) = pathAndQuery.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? (pathAndQuery[..q], pathAndQuery[q..]) : (pathAndQuery, "");
        var (function, values) = Route(method, path);

        await using var scope = Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var request = context.Request;
        request.Method = method;
        request.Scheme = "http";
        request.Host = new HostString(host);
        request.Path = path;
        request.QueryString = new QueryString(query);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers[name] = value;
        }

        if (body is not null)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(body);
            request.Body = new MemoryStream(bytes);
            request.ContentLength = bytes.Length;
            request.ContentType = "application/json; charset=utf-8";
        }

        var responseBody = new MemoryStream();
        context.Response.Body = responseBody;

        var result = await InvokeAsync(function, values, request);
        await result.ExecuteAsync(context);
        return new HttpAnswer(
            context.Response.StatusCode,
            context.Response.ContentType,
            context.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null,
            System.Text.Encoding.UTF8.GetString(responseBody.ToArray()),
            context.Response.Headers.RetryAfter.ToString() is { Length: > 0 } retryAfter ? retryAfter : null);
    }

    private static readonly FunctionsMetadataFile Metadata = FunctionsMetadataFile.Read();

    private static (FunctionEntry Function, RouteValueDictionary Values) Route(string method, string path)
    {
        foreach (var function in Metadata.Functions.Where(f => f.Trigger.Type == "httpTrigger" && f.Trigger.Methods.Contains(method.ToLowerInvariant())))
        {
            // Route prefix "api" (host.json); constraints ({index:int}) are checked on binding below.
            var matcher = new TemplateMatcher(TemplateParser.Parse("api/" + function.Trigger.Route), []);
            var values = new RouteValueDictionary();
            if (matcher.TryMatch(path, values))
            {
                return (function, values);
            }
        }

        throw new InvalidOperationException($"No HTTP function for {method} {path}.");
    }

    private async Task<IResult> InvokeAsync(FunctionEntry function, RouteValueDictionary values, HttpRequest request)
    {
        var dot = function.EntryPoint.LastIndexOf('.');
        var type = typeof(HttpFunctions).Assembly.GetType(function.EntryPoint[..dot], throwOnError: true)!;
        var method = type.GetMethod(function.EntryPoint[(dot + 1)..], BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance)!;
        var arguments = method.GetParameters().Select(p => p.ParameterType switch
        {
            var t when t == typeof(HttpRequest) => request,
            var t when t == typeof(DurableTaskClient) => Client,
            var t when t == typeof(string) => values[p.Name!]?.ToString(),
            var t when t == typeof(int) => (object)int.Parse(values[p.Name!]!.ToString()!, CultureInfo.InvariantCulture),
            var t => throw new InvalidOperationException($"{function.Name}: no binding for parameter {p.Name} of type {t}."),
        }).ToArray();
        var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(Services, type);
        return method.Invoke(target, arguments) switch
        {
            Task<IResult> task => await task,
            IResult result => result,
            var other => throw new InvalidOperationException($"{function.Name} returned {other?.GetType().Name ?? "null"}."),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
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
