using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Orchestration.Functions.Tests.Support;

/// <summary>The worker's service provider built as src/Functions/Program.cs builds it, never started.</summary>
/// <remarks>In the Functions host the worker runs the extensions' startup code (here the Durable extension's
/// <c>DurableTaskExtensionStartup</c>, which sets the client's and the worker's data converter) through the
/// executor the Worker SDK generates into the app's assembly, found by <see cref="WorkerExtensionStartupCodeExecutorInfoAttribute"/>
/// on the entry assembly. Under the test runner the entry assembly is the test host, so that executor is found on
/// the Orchestration.Functions assembly and run the same way.</remarks>
public sealed class ProductionWorker : IDisposable
{
    private readonly IHost _host;

    private ProductionWorker(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    /// <summary>The converter the Durable extension gives the durable worker (orchestration and activity payloads).</summary>
    public DataConverter WorkerConverter => Services.GetRequiredService<IOptions<DurableTaskWorkerOptions>>().Value.DataConverter;

    /// <summary>The converter the Durable extension gives the <c>[DurableClient]</c> clients (inputs, events, outputs read back).</summary>
    public DataConverter ClientConverter => Services.GetRequiredService<IOptions<DurableTaskClientOptions>>().Value.DataConverter;

    /// <summary>The worker's object serializer (activity trigger bindings use it directly).</summary>
    public Azure.Core.Serialization.ObjectSerializer Serializer => Services.GetRequiredService<IOptions<WorkerOptions>>().Value.Serializer!;

    public static ProductionWorker Build()
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddOrchestrationFunctions(builder.Configuration);

        var executor = typeof(HttpFunctions).Assembly.GetCustomAttribute<WorkerExtensionStartupCodeExecutorInfoAttribute>()
            ?? throw new InvalidOperationException("The Worker SDK generated no extension startup executor into Orchestration.Functions.");
        ((WorkerExtensionStartup)Activator.CreateInstance(executor.StartupCodeExecutorType)!).Configure(builder);
        return new ProductionWorker(builder.Build());
    }

    public void Dispose() => _host.Dispose();
}
