using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Orchestration.Durable;

namespace Orchestration.Engine;

/// <summary>The engine's <see cref="DurableTaskClient"/>.</summary>
/// <remarks>Scheduling an id that exists: while that instance is pending or running the call throws
/// <see cref="InvalidOperationException"/>; once it has completed, failed or been terminated it is replaced
/// (history purged, new execution). Raising an event for an unknown or ended instance drops the event.</remarks>
internal sealed class EmbeddedDurableTaskClient(DurableEngine engine) : DurableTaskClient("embedded")
{
    private const string Columns = "instance_id, name, status, created_at, updated_at, custom_status, failure, input, output";

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var serialized = engine.DataConverter.Serialize(input);
        await engine.Writer.ExecuteAsync(batch =>
        {
            var now = engine.UtcNow();
            var startAt = options?.StartAt is { } at && at.UtcDateTime > now ? at.UtcDateTime : now;
            batch.CreateInstance(instanceId, orchestratorName.Name, serialized, now, startAt, null, null, -1);
        });
        return instanceId;
    }

    public override async Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        cancellation.ThrowIfCancellationRequested();
        var data = engine.DataConverter.Serialize(eventPayload);
        await engine.Writer.ExecuteAsync(batch => batch.InsertEventIfLive(instanceId, eventName, data, engine.UtcNow()));
    }

    public override async Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        cancellation.ThrowIfCancellationRequested();
        var output = engine.DataConverter.Serialize(options?.Output);
        var recursive = options?.Recursive == true ? "recursive" : null;
        await engine.Writer.ExecuteAsync(batch =>
        {
            if (batch.GetStatus(instanceId) is OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running)
            {
                batch.InsertInbox(instanceId, null, HistoryEventKind.ExecutionTerminated, -1, null, output, recursive, engine.UtcNow());
            }
        });
    }

    public override async Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        cancellation.ThrowIfCancellationRequested();
        var recursive = options?.Recursive == true;
        var count = await engine.Writer.ExecuteAsync(batch =>
        {
            var status = batch.GetStatus(instanceId);
            if (status is null)
            {
                return 0;
            }

            if (status is not (OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated))
            {
                throw new InvalidOperationException($"The instance '{instanceId}' is {status}; only completed, failed or terminated instances can be purged.");
            }

            var ids = recursive ? Descendants(batch, instanceId) : [];
            ids.Insert(0, instanceId);
            var purged = 0;
            foreach (var id in ids)
            {
                if (batch.GetStatus(id) is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
                {
                    batch.DeleteInstanceRows(id);
                    purged++;
                }
            }

            return purged;
        });
        return new PurgeResult(count);
    }

    public override Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        cancellation.ThrowIfCancellationRequested();
        return Task.FromResult(ReadInstance(instanceId, getInputsAndOutputs));
    }

    private OrchestrationMetadata? ReadInstance(string instanceId, bool getInputsAndOutputs)
    {
        using var connection = EngineDatabase.Open(engine.EnsureReadable());
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM instances WHERE instance_id = $id";
        command.Parameters.AddWithValue("$id", instanceId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader, getInputsAndOutputs) : null;
    }

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
        => WaitAsync(instanceId, getInputsAndOutputs, m => m.RuntimeStatus != OrchestrationRuntimeStatus.Pending, cancellation);

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
        => WaitAsync(instanceId, getInputsAndOutputs, m => m.IsCompleted, cancellation);

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null)
    {
        var query = filter ?? new OrchestrationQuery();
        return Pageable.Create<OrchestrationMetadata>((token, size, cancellation) =>
            Task.FromResult(ReadPage(query, token ?? query.ContinuationToken, size ?? query.PageSize, cancellation)));
    }

    private async Task<OrchestrationMetadata> WaitAsync(string instanceId, bool getInputsAndOutputs, Func<OrchestrationMetadata, bool> done, CancellationToken cancellation)
    {
        while (true)
        {
            // Register before reading, so a change committed in between is not missed.
            var changed = engine.NextInstanceChange(instanceId);
            var metadata = await GetInstanceAsync(instanceId, getInputsAndOutputs, cancellation);
            if (metadata is not null && done(metadata))
            {
                return metadata;
            }

            await changed.WaitAsync(cancellation);
        }
    }

    private Page<OrchestrationMetadata> ReadPage(OrchestrationQuery query, string? after, int pageSize, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1, nameof(pageSize));
        using var connection = EngineDatabase.Open(engine.EnsureReadable());
        using var command = connection.CreateCommand();
        var where = new StringBuilder("WHERE 1=1");
        if (after is not null)
        {
            where.Append(" AND instance_id > $after");
            command.Parameters.AddWithValue("$after", after);
        }

        if (!string.IsNullOrEmpty(query.InstanceIdPrefix))
        {
            where.Append(" AND instance_id >= $prefix AND substr(instance_id, 1, length($prefix)) = $prefix");
            command.Parameters.AddWithValue("$prefix", query.InstanceIdPrefix);
        }

        if (query.CreatedFrom is { } from)
        {
            where.Append(" AND created_at >= $from");
            command.Parameters.AddWithValue("$from", from.UtcTicks);
        }

        if (query.CreatedTo is { } to)
        {
            where.Append(" AND created_at <= $to");
            command.Parameters.AddWithValue("$to", to.UtcTicks);
        }

        if (query.Statuses?.ToList() is { Count: > 0 } statuses)
        {
            where.Append(" AND status IN (")
                .AppendJoin(',', statuses.Select(s => ((int)s).ToString(CultureInfo.InvariantCulture)))
                .Append(')');
        }

#pragma warning disable CA2100 // Only fixed fragments and integer status values are concatenated; values are parameters.
        command.CommandText = $"SELECT {Columns} FROM instances {where} ORDER BY instance_id LIMIT $limit";
#pragma warning restore CA2100
        command.Parameters.AddWithValue("$limit", pageSize + 1);
        var items = new List<OrchestrationMetadata>(pageSize);
        var more = false;
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (items.Count == pageSize)
                {
                    more = true;
                    break;
                }

                items.Add(Read(reader, query.FetchInputsAndOutputs));
            }
        }

        return new Page<OrchestrationMetadata>(items, more ? items[^1].InstanceId : null);
    }

    private OrchestrationMetadata Read(SqliteDataReader reader, bool withData) => new(reader.GetString(1), reader.GetString(0))
    {
        RuntimeStatus = (OrchestrationRuntimeStatus)reader.GetInt32(2),
        CreatedAt = new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero),
        LastUpdatedAt = new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero),
        SerializedCustomStatus = reader.IsDBNull(5) ? null : reader.GetString(5),
        FailureDetails = reader.IsDBNull(6) ? null : FailureJson.Deserialize(reader.GetString(6)),
        SerializedInput = withData && !reader.IsDBNull(7) ? reader.GetString(7) : null,
        SerializedOutput = withData && !reader.IsDBNull(8) ? reader.GetString(8) : null,
        DataConverter = withData ? engine.DataConverter : null,
    };

    private static List<string> Descendants(WriteBatch batch, string instanceId)
    {
        var result = new List<string>();
        using var reader = batch.Query(
            """
            WITH RECURSIVE tree(id) AS (
              SELECT instance_id FROM instances WHERE parent_instance_id = $p0
              UNION SELECT i.instance_id FROM instances i JOIN tree t ON i.parent_instance_id = t.id)
            SELECT id FROM tree
            """,
            instanceId);
        while (reader.Read())
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }
}
