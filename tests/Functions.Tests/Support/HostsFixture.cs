using Orchestration.Api.Tests;
using Orchestration.Tests.Azurite;

namespace Orchestration.Functions.Tests.Support;

/// <summary>Azurite, the Functions host's services over it (<see cref="FunctionsHost"/>) and the standalone API
/// test host (<see cref="ApiHost"/>, the same API over the embedded engine), shared by the tests that compare or
/// need storage.</summary>
public sealed class HostsFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private ProductionWorker? _worker;

    public string StorageConnectionString => _azurite.ConnectionString;

    public FunctionsHost Functions { get; private set; } = null!;

    public ApiHost Standalone { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        // The data converter the production worker gets from the Durable extension (see ProductionWorker).
        _worker = ProductionWorker.Build();
        Functions = await FunctionsHost.StartAsync(_azurite.ConnectionString, _worker.WorkerConverter);
        Standalone = await ApiHost.StartAsync();
        Standalone.Runner = call => ScriptedRunner.StartAsync(call.Execution, call.Host.Objects, call.Host.Jobs);
    }

    public async Task DisposeAsync()
    {
        await Standalone.DisposeAsync();
        await Functions.DisposeAsync();
        _worker?.Dispose();
        await _azurite.DisposeAsync();
    }
}

/// <summary>The tests that share <see cref="HostsFixture"/>; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class HostsCollection : ICollectionFixture<HostsFixture>
{
    public const string Name = "hosts";
}
