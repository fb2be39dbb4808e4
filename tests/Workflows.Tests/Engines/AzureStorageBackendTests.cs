using Azure.Data.Tables;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Tests.Azurite;
using Xunit.Abstractions;

namespace Orchestration.Workflows.Tests.Engines;

[Collection(AzuriteCollection.Name)]
public sealed class AzureStorageBackendTests(AzuriteFixture azurite, ITestOutputHelper output) : IDisposable
{
    private readonly CapturingLoggerProvider _logs = new();

    public void Dispose()
    {
        // The storage provider's and the sidecar's warnings and errors, for a failing test.
        foreach (var line in _logs.Lines)
        {
            output.WriteLine(line);
        }
    }

    private ServiceProvider Services() => new ServiceCollection().AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(_logs).BuildServiceProvider();

    private static int _hubs;

    private static string NewHub(string name) => $"{name}{Interlocked.Increment(ref _hubs)}x{Guid.NewGuid():N}"[..30];

    private static void FanOutTasks(DurableTaskRegistry registry)
    {
        registry.AddOrchestratorFunc<int, long>("FanOut", async (context, count) =>
        {
            var squares = await Task.WhenAll(Enumerable.Range(1, count).Select(i => context.CallActivityAsync<long>("Square", i)));
            return squares.Sum();
        });
        registry.AddActivityFunc<int, long>("Square", (_, i) => (long)i * i);
        registry.AddOrchestratorFunc<int, long>("Parent", async (context, count) =>
        {
            var halves = await Task.WhenAll(
                context.CallSubOrchestratorAsync<long>("FanOut", count),
                context.CallSubOrchestratorAsync<long>("FanOut", count));
            return halves.Sum();
        });
    }

    [Fact]
    public async Task FanOut_TwentyActivities_SumsEverySquare()
    {
        using var services = Services();
        await using var backend = await AzureStorageBackend.StartAsync(azurite.ConnectionString, NewHub("fan"), services, tasks: FanOutTasks);

        var id = await backend.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", 20);
        var done = await backend.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(Enumerable.Range(1, 20).Sum(i => (long)i * i), done.ReadOutputAs<long>());
    }

    [Fact]
    public async Task SubOrchestrations_TwoChildren_ParentReadsTheirHistoryBack()
    {
        using var services = Services();
        await using var backend = await AzureStorageBackend.StartAsync(azurite.ConnectionString, NewHub("sub"), services, tasks: FanOutTasks);

        var id = await backend.Client.ScheduleNewOrchestrationInstanceAsync("Parent", 5);
        var done = await backend.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(2 * Enumerable.Range(1, 5).Sum(i => (long)i * i), done.ReadOutputAs<long>());

        // Every history row of the parent is a typed event (the sentinel row holds the checkpoint, not an event).
        var history = new TableClient(azurite.ConnectionString, $"{backend.TaskHub}History");
        var rows = await history.QueryAsync<TableEntity>(filter: TableClient.CreateQueryFilter($"PartitionKey eq {id}")).ToListAsync();
        Assert.Contains(rows, row => row.GetString("EventType") == "SubOrchestrationInstanceCreated");
        Assert.All(rows.Where(row => row.RowKey != "sentinel"), row => Assert.False(string.IsNullOrEmpty(row.GetString("EventType")), $"row {row.RowKey} has no EventType"));
    }
}
