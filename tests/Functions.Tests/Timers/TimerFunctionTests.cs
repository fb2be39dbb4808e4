using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Normalization;
using Orchestration.Domain.Specs;
using Orchestration.Domain.Validation;
using Orchestration.Fakes;
using Orchestration.Functions.Tests.Support;
using Orchestration.Workflows.Service;

namespace Orchestration.Functions.Tests.Timers;

/// <summary>The timer functions called directly with their services (production composition, real SDK client):
/// the orphan reaper and retention.</summary>
[Collection(HostsCollection.Name)]
public sealed class TimerFunctionTests(HostsFixture hosts)
{
    private const string Batch = """{"id": "ID", "tasks": [{"id": "good", "n": 1, "command": "make test"}]}""";

    [Fact]
    public async Task Retention_DaysUnset_PurgesNothing()
    {
        // Arrange
        await RunToEndAsync("ret-unset");
        var function = Timers(new RetentionOptions(), new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(400)));

        // Act
        await function.SweepAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), hosts.Functions.Client, Context());

        // Assert: retention is off unless Orchestration:Retention:Days is set, however old the batch.
        Assert.Equal(200, (await hosts.Functions.SendAsync("GET", "/api/batches/ret-unset")).Status);
    }

    [Fact]
    public async Task Retention_BatchFinishedBeforeTheCutoff_IsPurgedAndYoungerOnesKept()
    {
        // Arrange
        await RunToEndAsync("ret-old");
        var now = DateTimeOffset.UtcNow;

        // Act: one day of retention, a day after the batch finished: still kept.
        await Timers(new RetentionOptions { Days = 1 }, new FakeTimeProvider(now.AddHours(20))).SweepAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), hosts.Functions.Client, Context());
        Assert.Equal(200, (await hosts.Functions.SendAsync("GET", "/api/batches/ret-old")).Status);

        // Two days later: purged, store and durable instances.
        await Timers(new RetentionOptions { Days = 1 }, new FakeTimeProvider(now.AddDays(2))).SweepAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), hosts.Functions.Client, Context());

        // Assert
        await WaitUntilAsync(async () => !await BatchRowExistsAsync("ret-old"));
        Assert.Null(await hosts.Functions.Client.GetInstanceAsync("ret-old"));
        Assert.Equal(404, (await hosts.Functions.SendAsync("GET", "/api/batches/ret-old")).Status);
    }

    [Fact]
    public async Task Reaper_OrphansAndUnusedJobs_CancelledAndDeletedLiveRunsKept()
    {
        // Arrange: a batch whose run hangs (its run orchestrator is live), and a Cloud Run of its own for the reaper
        // holding: an execution of that live run, an execution of a batch nobody knows, an idle job, and a job of
        // another deployment. The reaper's clock is 31 days on, past DeleteJobsUnusedForDays (30).
        const string id = "reap-live";
        Assert.Equal(202, (await hosts.Functions.SendAsync("POST", "/api/batches", """{"id": "reap-live", "tasks": [{"id": "hang", "n": 1, "command": "sleep 100"}]}""")).Status);
        var live = await WaitForAsync(() => hosts.Functions.Jobs.Executions.FirstOrDefault(e => e.Environment["RUN_PREFIX"].Contains($"/{id}/", StringComparison.Ordinal)));
        var cloudRun = new InMemoryCloudRun();
        var liveCopy = await StartAsync(cloudRun, "orch-live", live.Environment["RUN_PREFIX"]);
        var ghost = await StartAsync(cloudRun, "orch-ghost", live.Environment["RUN_PREFIX"].Replace($"/{id}/", "/ghost-batch/", StringComparison.Ordinal));
        await cloudRun.EnsureJobAsync(Spec("orch-idle"));
        await cloudRun.EnsureJobAsync(Spec("other-idle"));
        var function = Timers(new RetentionOptions(), TimeProvider.System, new FunctionsOptions { DeleteJobsUnusedForDays = 30 },
            cloudRun, new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(31)));

        try
        {
            // Act
            await function.ReapAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), hosts.Functions.Client, Context());

            // Assert
            Assert.Equal(CloudRunExecutionState.Cancelled, (await cloudRun.GetExecutionAsync(ghost))!.State);
            Assert.False((await cloudRun.GetExecutionAsync(liveCopy))!.IsTerminal);
            Assert.Equal(1, cloudRun.Cancels);
            Assert.Equal(["orch-live", "other-idle"], cloudRun.Jobs.Keys.Order());
        }
        finally
        {
            await hosts.Functions.SendAsync("POST", $"/api/batches/{id}/cancel");
        }
    }

    [Fact]
    public async Task Reaper_JobAgeUnset_KeepsUnusedJobs()
    {
        // Arrange
        var cloudRun = new InMemoryCloudRun();
        await cloudRun.EnsureJobAsync(Spec("orch-idle"));
        var function = Timers(new RetentionOptions(), TimeProvider.System, new FunctionsOptions { DeleteJobsUnusedForDays = null },
            cloudRun, new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(3650)));

        // Act
        await function.ReapAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), hosts.Functions.Client, Context());

        // Assert
        Assert.Equal(["orch-idle"], cloudRun.Jobs.Keys);
    }

    [Fact]
    public async Task Repair_StoredNeverScheduledAndPurgeCutShort_ScheduledAndPurged()
    {
        // Arrange: a batch stored with no orchestration (the host stopped between the two), and a finished batch
        // left "purging" (the host recycled after marking it, before anything was deleted).
        var store = hosts.Functions.Services.GetRequiredService<IBatchStore>();
        var intake = BatchIntake.Read(Encoding.UTF8.GetBytes(Batch.Replace("ID", "rep-orphan", StringComparison.Ordinal)), new BatchLimits(), new BatchDefaults(), () => "n0");
        var now = DateTimeOffset.UtcNow;
        await store.InsertIfAbsentAsync(new StoredBatch("rep-orphan", intake.Hash!, "n0", BatchStatus.Pending, null, now, now, 1, CanonicalJson.Serialize(intake.Batch!)));
        await RunToEndAsync("rep-purge");
        await store.SetStatusAsync("rep-purge", BatchStatus.Purging, null, now);
        var nonce = (await store.GetAsync("rep-purge"))!.Nonce;
        Assert.Null(await hosts.Functions.Client.GetInstanceAsync("rep-orphan"));
        var function = Timers(new RetentionOptions(), TimeProvider.System);

        // Act
        await function.RepairAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), hosts.Functions.Client, Context());

        // Assert: the orphan runs to completion on the real SDK; the repair scheduled the purge orchestration, which
        // finishes the purge: record and instances gone.
        await WaitUntilAsync(async () => (await hosts.Functions.SendAsync("GET", "/api/batches/rep-orphan")).Element.GetProperty("status").GetString() == "completed");
        var purge = await hosts.Functions.Client.WaitForInstanceCompletionAsync(Workflows.PurgeOrchestrator.InstanceId("rep-purge", nonce)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, purge.RuntimeStatus);
        Assert.False(await BatchRowExistsAsync("rep-purge"));
        Assert.Null(await hosts.Functions.Client.GetInstanceAsync("rep-purge"));
        Assert.Equal(404, (await hosts.Functions.SendAsync("GET", "/api/batches/rep-purge")).Status);
    }

    private TimerFunctions Timers(RetentionOptions retention, TimeProvider time, FunctionsOptions? functions = null, ICloudRunJobsClient? jobs = null, TimeProvider? reaperTime = null)
    {
        // The reaper and sweeper are built per invocation from the container (BatchServices); the Cloud Run client
        // and the reaper's clock are swapped in by a provider over the host's.
        IServiceProvider services = jobs is null && reaperTime is null
            ? hosts.Functions.Services
            : new Overrides(hosts.Functions.Services, jobs, reaperTime);
        return new TimerFunctions(new BatchServices(services), Options.Create(functions ?? new FunctionsOptions()), Options.Create(retention), time);
    }

    private FakeFunctionContext Context() => new(hosts.Functions.Services);

    private async Task RunToEndAsync(string id)
    {
        Assert.Equal(202, (await hosts.Functions.SendAsync("POST", "/api/batches", Batch.Replace("ID", id, StringComparison.Ordinal))).Status);
        await WaitUntilAsync(async () => (await hosts.Functions.SendAsync("GET", "/api/batches/" + id)).Element.GetProperty("status").GetString() == "completed");
    }

    private async Task<bool> BatchRowExistsAsync(string id) =>
        await hosts.Functions.Services.GetRequiredService<AzureStorageClients>().BatchesTable.QueryAsync<TableEntity>(e => e.PartitionKey == id).AnyAsync();

    private static async Task<string> StartAsync(InMemoryCloudRun cloudRun, string jobId, string prefix)
    {
        await cloudRun.EnsureJobAsync(Spec(jobId));
        var started = await cloudRun.RunExecutionAsync(jobId, new Dictionary<string, string> { ["RUN_PREFIX"] = prefix }, TimeSpan.FromMinutes(10));
        return started.ExecutionName!;
    }

    private static CloudRunJobSpec Spec(string jobId) => new(jobId, "image", "1", "512Mi", "sa", new Dictionary<string, string>(), new Dictionary<string, CloudRunSecretRef>(), TimeSpan.FromMinutes(10),
        RunnerContract.JobLabels("orch"));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 60 s.");
            await Task.Delay(100);
        }
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> find)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (find() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "Not found within 60 s.");
            await Task.Delay(100);
        }
    }

    private sealed class Overrides(IServiceProvider inner, ICloudRunJobsClient? jobs, TimeProvider? time) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(ICloudRunJobsClient) && jobs is not null ? jobs
            : serviceType == typeof(TimeProvider) && time is not null ? time
            : inner.GetService(serviceType);
    }
}
