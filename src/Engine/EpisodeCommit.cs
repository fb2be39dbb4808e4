using System.Globalization;
using Orchestration.Durable;

namespace Orchestration.Engine;

/// <summary>Everything one episode writes, applied inside a group commit.</summary>
/// <remarks>The consumed inbox rows, the appended history, the new work items and the instance row change
/// in one transaction: the episode happened entirely or not at all.</remarks>
internal sealed class EpisodeCommit(string instanceId, DateTime now)
{
    public string InstanceId => instanceId;

    public List<long> Consumed { get; } = [];

    /// <summary>False when the episode only drops stale messages.</summary>
    public bool HasEpisode { get; set; }

    public bool ResetHistory { get; set; }

    public int FirstSeq { get; set; }

    public List<HistoryEvent> Appended { get; set; } = [];

    public string ExecutionId { get; set; } = string.Empty;

    public List<HistoryEvent> Actions { get; } = [];

    public OrchestrationRuntimeStatus Status { get; set; }

    public string? Input { get; set; }

    public string? Output { get; set; }

    public string? CustomStatus { get; set; }

    public string? Failure { get; set; }

    public ParentNotification? NotifyParent { get; set; }

    public bool TerminateChildren { get; set; }

    public Action? OnCommitted { get; set; }

    public void Apply(WriteBatch batch)
    {
        foreach (var id in Consumed)
        {
            batch.DeleteInbox(id);
        }

        if (!HasEpisode)
        {
            return;
        }

        if (ResetHistory)
        {
            batch.DeleteHistory(instanceId);
        }

        var seq = FirstSeq;
        foreach (var e in Appended)
        {
            batch.InsertHistory(instanceId, seq++, e);
        }

        foreach (var action in Actions)
        {
            ApplyAction(batch, action);
        }

        batch.Execute(
            """
            UPDATE instances SET status=$p1, execution_id=$p2, input=$p3, output=$p4, custom_status=$p5, failure=$p6, updated_at=$p7
            WHERE instance_id=$p0
            """,
            instanceId, (int)Status, ExecutionId, Input, Output, CustomStatus, Failure, now.Ticks);
        batch.ChangedInstances.Add(instanceId);

        if (NotifyParent is { } parent)
        {
            batch.InsertInbox(parent.InstanceId, parent.ExecutionId, parent.Kind, parent.TaskId, null, parent.Data, null, now);
        }

        if (TerminateChildren)
        {
            var rows = batch.Execute(
                """
                INSERT INTO inbox(instance_id, execution_id, kind, task_id, name, data, extra, visible_at)
                SELECT instance_id, NULL, $p1, -1, NULL, NULL, 'recursive', $p2 FROM instances
                WHERE parent_instance_id = $p0 AND status IN (0, 6)
                """,
                instanceId, (int)HistoryEventKind.ExecutionTerminated, now.Ticks);
            batch.InboxChanged |= rows > 0;
        }
    }

    private void ApplyAction(WriteBatch batch, HistoryEvent action)
    {
        switch (action.Kind)
        {
            case HistoryEventKind.TaskScheduled:
                batch.InsertActivity(instanceId, ExecutionId, action.TaskId, action.Name!, action.Data);
                break;
            case HistoryEventKind.TimerCreated:
                var fireAt = new DateTime(long.Parse(action.Extra!, CultureInfo.InvariantCulture), DateTimeKind.Utc);
                batch.InsertInbox(instanceId, ExecutionId, HistoryEventKind.TimerFired, action.TaskId, null, null, action.Extra, fireAt);
                break;
            case HistoryEventKind.SubOrchestrationCreated:
                try
                {
                    batch.CreateInstance(action.Extra!, action.Name!, action.Data, now, now, instanceId, ExecutionId, action.TaskId);
                }
                catch (InvalidOperationException ex)
                {
                    // The child id is taken by a running instance: the call fails, as a failed start does in Durable.
                    batch.InsertInbox(instanceId, ExecutionId, HistoryEventKind.SubOrchestrationFailed, action.TaskId, action.Name,
                        FailureJson.Serialize(TaskFailureDetails.FromException(ex)), null, now);
                }

                break;
            case HistoryEventKind.EventSent:
                batch.InsertEventIfLive(action.Extra!, action.Name!, action.Data, now);
                break;
            default:
                break;
        }
    }
}
