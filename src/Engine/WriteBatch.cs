using Microsoft.Data.Sqlite;
using Orchestration.Durable;

namespace Orchestration.Engine;

/// <summary>The writes of one group commit, with what they changed (to wake dispatchers and waiters).</summary>
internal sealed class WriteBatch(SqliteConnection connection) : SqlRunner(connection)
{
    public HashSet<string> ChangedInstances { get; } = new(StringComparer.Ordinal);

    public bool InboxChanged { get; set; }

    public bool ActivitiesChanged { get; set; }

    public void Reset()
    {
        ChangedInstances.Clear();
        InboxChanged = false;
        ActivitiesChanged = false;
    }

    public void InsertInbox(string instanceId, string? executionId, HistoryEventKind kind, int taskId, string? name, string? data, string? extra, DateTime visibleAt)
    {
        Execute(
            "INSERT INTO inbox(instance_id, execution_id, kind, task_id, name, data, extra, visible_at) VALUES($p0,$p1,$p2,$p3,$p4,$p5,$p6,$p7)",
            instanceId, executionId, (int)kind, taskId, name, data, extra, visibleAt.Ticks);
        InboxChanged = true;
    }

    /// <summary>Queues an event for an instance that exists and has not ended; otherwise drops it.</summary>
    public void InsertEventIfLive(string instanceId, string eventName, string? data, DateTime now)
    {
        var rows = Execute(
            """
            INSERT INTO inbox(instance_id, execution_id, kind, task_id, name, data, extra, visible_at)
            SELECT $p0, NULL, $p1, -1, $p2, $p3, NULL, $p4 WHERE EXISTS
              (SELECT 1 FROM instances WHERE instance_id = $p0 AND status IN (0, 6))
            """,
            instanceId, (int)HistoryEventKind.EventRaised, eventName, data, now.Ticks);
        InboxChanged |= rows > 0;
    }

    public void DeleteInbox(long id) => Execute("DELETE FROM inbox WHERE id = $p0", id);

    public void InsertActivity(string instanceId, string executionId, int taskId, string name, string? input)
    {
        Execute(
            "INSERT INTO activities(instance_id, execution_id, task_id, name, input) VALUES($p0,$p1,$p2,$p3,$p4)",
            instanceId, executionId, taskId, name, input);
        ActivitiesChanged = true;
    }

    public int DeleteActivity(long id) => Execute("DELETE FROM activities WHERE id = $p0", id);

    public void InsertHistory(string instanceId, int seq, HistoryEvent e)
        => Execute(
            "INSERT INTO history(instance_id, seq, kind, task_id, name, data, extra, ts) VALUES($p0,$p1,$p2,$p3,$p4,$p5,$p6,$p7)",
            instanceId, seq, (int)e.Kind, e.TaskId, e.Name, e.Data, e.Extra, e.Timestamp.Ticks);

    public void DeleteHistory(string instanceId) => Execute("DELETE FROM history WHERE instance_id = $p0", instanceId);

    public OrchestrationRuntimeStatus? GetStatus(string instanceId)
        => Scalar("SELECT status FROM instances WHERE instance_id = $p0", instanceId) is long status
            ? (OrchestrationRuntimeStatus)status
            : null;

    /// <summary>Creates an instance (pending, with its start message), replacing one that has ended.</summary>
    /// <exception cref="InvalidOperationException">An instance with this id exists and has not ended.</exception>
    public void CreateInstance(
        string instanceId, string name, string? input, DateTime now, DateTime startAt,
        string? parentInstanceId, string? parentExecutionId, int parentTaskId)
    {
        var status = GetStatus(instanceId);
        if (status is OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended)
        {
            throw new InvalidOperationException($"An orchestration instance with id '{instanceId}' already exists and is {status}.");
        }

        if (status is not null)
        {
            DeleteInstanceRows(instanceId);
        }

        var executionId = Guid.NewGuid().ToString("N");
        Execute(
            """
            INSERT INTO instances(instance_id, name, execution_id, status, input, created_at, updated_at,
              parent_instance_id, parent_execution_id, parent_task_id)
            VALUES($p0,$p1,$p2,$p3,$p4,$p5,$p5,$p6,$p7,$p8)
            """,
            instanceId, name, executionId, (int)OrchestrationRuntimeStatus.Pending, input, now.Ticks,
            parentInstanceId, parentExecutionId, parentTaskId);
        InsertInbox(instanceId, executionId, HistoryEventKind.ExecutionStarted, -1, name, input, null, startAt);
        ChangedInstances.Add(instanceId);
    }

    public void DeleteInstanceRows(string instanceId)
    {
        Execute("DELETE FROM history WHERE instance_id = $p0", instanceId);
        Execute("DELETE FROM inbox WHERE instance_id = $p0", instanceId);
        Execute("DELETE FROM activities WHERE instance_id = $p0", instanceId);
        Execute("DELETE FROM instances WHERE instance_id = $p0", instanceId);
        ChangedInstances.Add(instanceId);
    }
}
