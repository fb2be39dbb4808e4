using System.Net;
using System.Net.Sockets;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestration.Domain;
using Orchestration.DurableSdk;

namespace Orchestration.Workflows.Tests.Engines;

/// <summary>The real Durable Task SDK worker and client (1.28) over <c>Microsoft.DurableTask.InProcessTestHost</c>:
/// an in-memory orchestration service behind the SDK's gRPC sidecar on a loopback port. Its dispatchers take
/// as many work items as <see cref="Environment.ProcessorCount"/> and poll every 500 ms when full, which is
/// why the test project's .runsettings raises DOTNET_PROCESSOR_COUNT (and quiets the sidecar's console logs).</summary>
public sealed class InProcessBackend : ISdkBackend
{
    private readonly DurableTaskTestHost _host;
    private readonly ILoggerFactory _logs;

    private InProcessBackend(DurableTaskTestHost host, ILoggerFactory logs)
    {
        _host = host;
        _logs = logs;
    }

    public Microsoft.DurableTask.Client.DurableTaskClient Client => _host.Client;

    /// <summary>Starts the sidecar and a worker with the workflow catalog, whose activities resolve their classes
    /// from <paramref name="services"/> (the harness's), with the harness's <see cref="DataConverter"/> when it has
    /// one, and whose logs go to the harness's providers.</summary>
    public static async Task<ISdkBackend> StartAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var logs = SdkLogging(services);
        try
        {
            var host = await DurableTaskTestHost.StartAsync(
                registry => registry.AddOrchestrationWorkflows(services),
                new DurableTaskTestHostOptions
                {
                    // The host's own default is a random port in 30000-40000, which can collide with a listener of a
                    // test running in parallel; a port the OS just handed out cannot (until it hands it out again).
                    Port = FreeLoopbackPort(),
                    LoggerFactory = logs,
                    // Worker and client both take a DataConverter service when none is set on their options: the
                    // harness's (which records payloads) or one on the product's JSON options, as the Functions host
                    // configures its worker.
                    ConfigureServices = s => s.AddSingleton(services.GetService<DataConverter>() ?? new JsonDataConverter(BatchJson.Options)),
                },
                cancellationToken);
            return new InProcessBackend(host, logs);
        }
        catch
        {
            logs.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _logs.Dispose();
    }

    /// <summary>The harness's log providers: the product's lines at every level, the Durable Task SDK's (the
    /// engine's, as the embedded engine's are captured) from Information, gRPC's and ASP.NET Core's warnings.</summary>
    internal static ILoggerFactory SdkLogging(IServiceProvider services)
    {
        var filter = new LoggerFilterOptions { MinLevel = LogLevel.Trace };
        foreach (var noisy in new[] { "Microsoft", "Grpc", "System" })
        {
            filter.Rules.Add(new LoggerFilterRule(null, noisy, LogLevel.Warning, null));
        }

        filter.Rules.Add(new LoggerFilterRule(null, "Microsoft.DurableTask", LogLevel.Information, null));

        return new LoggerFactory(services.GetServices<ILoggerProvider>(), filter);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
