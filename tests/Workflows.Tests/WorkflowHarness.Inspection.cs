using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

/// <summary>What a test may read of the engine's own state: the embedded engine's SQLite file; on an SDK backend
/// the instances through the real client and the payloads its data converter saw. Event kinds use Durable Task's
/// names (<c>TimerCreated</c>, <c>EventRaised</c>).</summary>
public sealed partial class WorkflowHarness
{
    // The embedded engine's history kinds (src/Engine HistoryEventKind, internal) under Durable Task's names.
    private static readonly Dictionary<long, string> EmbeddedKinds = new()
    {
        [1] = "ExecutionStarted",
        [2] = "OrchestratorStarted",
        [3] = "TaskScheduled",
        [4] = "TaskCompleted",
        [5] = "TaskFailed",
        [6] = "TimerCreated",
        [7] = "TimerFired",
        [8] = "SubOrchestrationInstanceCreated",
        [9] = "SubOrchestrationInstanceCompleted",
        [10] = "SubOrchestrationInstanceFailed",
        [11] = "EventSent",
        [12] = "EventRaised",
        [13] = "ExecutionCompleted",
        [14] = "ExecutionFailed",
        [15] = "ExecutionTerminated",
        [16] = "ContinueAsNew",
    };

    /// <summary>The instance's history (its current execution), in order, as (kind, name) pairs (embedded
    /// engine: the SDK's backends here serve no history to clients).</summary>
    public async Task<IReadOnlyList<(string Kind, string? Name)>> HistoryAsync(string instanceId)
    {
        await using var connection = await OpenEngineDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT kind, name FROM history WHERE instance_id = $id ORDER BY seq";
        command.Parameters.AddWithValue("$id", instanceId);
        var history = new List<(string, string?)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            history.Add((EmbeddedKinds.GetValueOrDefault(reader.GetInt64(0), reader.GetInt64(0).ToString(CultureInfo.InvariantCulture)), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return history;
    }

    /// <summary>Raises an event at <paramref name="target"/> and waits until the orchestration it is forwarded to,
    /// <paramref name="receiver"/>, has taken it: in its inbox or history (embedded engine), or, on an SDK backend
    /// (whose sidecar serves no history to clients), once the receiver's instance has been updated by an episode
    /// after the event was raised. That holds only while nothing else can wake the receiver: a caller uses it
    /// when the receiver awaits one activity that the test holds.</summary>
    public async Task RaiseAndWaitUntilReceivedAsync(string target, string eventName, object payload, string receiver)
    {
        var before = Engine == EngineKind.Embedded ? default : (await Client.GetInstanceAsync(receiver))?.LastUpdatedAt ?? default;
        await Client.RaiseEventAsync(target, eventName, payload);
        await Eventually.HoldsAsync(
            async () => Engine == EngineKind.Embedded
                ? await HasEventAsync(receiver, eventName)
                : (await Client.GetInstanceAsync(receiver))?.LastUpdatedAt > before,
            $"the {eventName} reached {receiver}");
    }

    private async Task<bool> HasEventAsync(string instanceId, string eventName)
    {
        await using var connection = await OpenEngineDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM history WHERE instance_id = $id AND name = $name) + (SELECT COUNT(*) FROM inbox WHERE instance_id = $id AND name = $name)";
        command.Parameters.AddWithValue("$id", instanceId);
        command.Parameters.AddWithValue("$name", eventName);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Everything the engine keeps about every instance as text: every table of the embedded engine,
    /// or for the SDK every instance's input, output, custom status and history events.</summary>
    public async Task<string> DumpDurableStateAsync()
    {
        var text = new StringBuilder();
        if (_backend is { } backend)
        {
            var query = new Microsoft.DurableTask.Client.OrchestrationQuery { FetchInputsAndOutputs = true };
            await foreach (var instance in backend.Client.GetAllInstancesAsync(query))
            {
                text.Append(instance.InstanceId).Append('\n').Append(instance.SerializedInput).Append('\n')
                    .Append(instance.SerializedOutput).Append('\n').Append(instance.SerializedCustomStatus).Append('\n');
            }

            return text.AppendJoin('\n', Payloads.Payloads).ToString();
        }

        await using var connection = await OpenEngineDatabaseAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.GetValue(i) switch { byte[] b => Encoding.UTF8.GetString(b), var v => v?.ToString() }).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    private async Task<SqliteConnection> OpenEngineDatabaseAsync()
    {
        var connection = new SqliteConnection($"Data Source={EngineDatabase};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return connection;
    }
}
