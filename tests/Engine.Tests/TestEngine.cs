using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Orchestration.Durable;

namespace Orchestration.Engine.Tests;

/// <summary>An engine on a temp file with a fake clock, replaying every episode (as Durable does).</summary>
internal sealed class TestEngine : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private TestEngine(DurableEngine engine, FakeTimeProvider time)
    {
        Engine = engine;
        Time = time;
    }

    public DurableEngine Engine { get; }

    public FakeTimeProvider Time { get; }

    public DurableTaskClient Client => Engine.Client;

    public static async Task<TestEngine> StartAsync(
        Action<EmbeddedEngineOptions> configure, FakeTimeProvider? time = null, string? path = null, bool replayEveryEpisode = true)
    {
        var options = new EmbeddedEngineOptions
        {
            UseTemporaryFile = path is null,
            DatabasePath = path,
            ReplayEveryEpisode = replayEveryEpisode,
        };
        configure(options);
        time ??= new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var engine = new DurableEngine(options, timeProvider: time);
        await engine.StartAsync(CancellationToken.None);
        return new TestEngine(engine, time);
    }

    public static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), $"engine-test-{Guid.NewGuid():N}.db");

    public static void DeleteDatabase(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }

    public async Task<OrchestrationMetadata> RunAsync(TaskName name, object? input = null, string? instanceId = null)
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(name, input, new StartOrchestrationOptions(instanceId));
        return await WaitAsync(id);
    }

    public Task<OrchestrationMetadata> WaitAsync(string instanceId)
        => Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true).WaitAsync(Timeout);

    /// <summary>Waits (in real time) until the instance's custom status is <paramref name="status"/>.</summary>
    public Task UntilStatusAsync(string instanceId, string status)
        => UntilAsync(async () => (await Client.GetInstanceAsync(instanceId))?.SerializedCustomStatus == $"\"{status}\"");

    public static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Condition not met in time.");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Advances the fake clock in steps until the instance ends.</summary>
    public async Task<OrchestrationMetadata> AdvanceUntilDoneAsync(string instanceId, TimeSpan step, int maxSteps = 200)
    {
        for (var i = 0; i < maxSteps; i++)
        {
            var state = await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
            if (state?.IsCompleted == true)
            {
                return state;
            }

            Time.Advance(step);
            await Task.Delay(20);
        }

        return await WaitAsync(instanceId);
    }

    public List<(int Kind, int TaskId, string? Name)> History(string instanceId)
    {
        using var connection = new SqliteConnection($"Data Source={Engine.DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT kind, task_id, name FROM history WHERE instance_id = $id ORDER BY seq";
        command.Parameters.AddWithValue("$id", instanceId);
        using var reader = command.ExecuteReader();
        var result = new List<(int, int, string?)>();
        while (reader.Read())
        {
            result.Add((reader.GetInt32(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return result;
    }

    /// <summary>The kinds of the messages waiting in the instance's inbox, in the order a round takes them.</summary>
    public List<int> Inbox(string instanceId)
    {
        using var connection = new SqliteConnection($"Data Source={Engine.DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT kind FROM inbox WHERE instance_id = $id ORDER BY visible_at, id";
        command.Parameters.AddWithValue("$id", instanceId);
        using var reader = command.ExecuteReader();
        var result = new List<int>();
        while (reader.Read())
        {
            result.Add(reader.GetInt32(0));
        }

        return result;
    }

    public ValueTask DisposeAsync() => Engine.DisposeAsync();
}
