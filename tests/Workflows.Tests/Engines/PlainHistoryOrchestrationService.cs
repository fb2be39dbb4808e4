using System.Reflection;
using System.Runtime.Serialization;
using DurableTask.Core;
using DurableTask.Core.History;

namespace Orchestration.Workflows.Tests.Engines;

/// <summary>The Azure Storage orchestration service as the test host's gRPC sidecar dispatches it, with the one
/// history event the sidecar invents written back as the plain Durable Task event before it is stored.</summary>
/// <remarks>
/// Why: the sidecar records a sub-orchestration start as <c>GrpcSubOrchestrationInstanceCreatedEvent</c>, a subclass
/// of <see cref="SubOrchestrationInstanceCreatedEvent"/> that adds a trace context but no <c>[DataContract]</c> of
/// its own. DurableTask.AzureStorage writes a history row with its <c>TableEntityConverter</c>, which walks the
/// type and its bases only while each declares <c>[DataContract]</c> (the attribute is not inherited), so for that
/// subclass it writes no property at all: the row has only its keys and <c>ExecutionId</c>. The next episode of the
/// parent reads it back and stops with "The TableEntity did not contain a 'EventType' property". The in-memory
/// service the test host ships never serializes events, so it never shows. Only the trace context is dropped here,
/// which the history row has no column for anyway.
/// The service also starts once and stops once, whoever asks: the sidecar starts and stops it from
/// <c>async void</c> lifetime callbacks, where an exception would end the test process, so a failed start is kept
/// for <see cref="Started"/> instead.
/// </remarks>
internal sealed class PlainHistoryOrchestrationService(IOrchestrationService inner) : IOrchestrationService
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _startCalls;
    private int _stopCalls;

    /// <summary>Completes when the sidecar has started the service (its dispatchers run from then on), or faults
    /// with the reason it could not start.</summary>
    public Task Started => _started.Task;

    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;

    public async Task StartAsync()
    {
        if (Interlocked.Exchange(ref _startCalls, 1) == 1)
        {
            return;
        }

        try
        {
            await inner.StartAsync().ConfigureAwait(false);
            _started.TrySetResult();
        }
        catch (Exception e)
        {
            _started.TrySetException(e);
        }
    }

    public Task StopAsync() => StopAsync(isForced: false);

    public Task StopAsync(bool isForced) =>
        Interlocked.Exchange(ref _stopCalls, 1) == 1 || Volatile.Read(ref _startCalls) == 0 ? Task.CompletedTask : inner.StopAsync(isForced);

    public Task CreateAsync() => inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        foreach (var state in new[] { workItem.OrchestrationRuntimeState, newOrchestrationRuntimeState })
        {
            if (state is not null)
            {
                Plain(state.Events);
                Plain(state.NewEvents);
            }
        }

        return inner.CompleteTaskOrchestrationWorkItemAsync(
            workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);
    }

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);

    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => inner.AbandonTaskActivityWorkItemAsync(workItem);

    /// <summary>Whether DurableTask.AzureStorage's table converter sees the event's own type as a data contract
    /// (it stops at the first type in the hierarchy that does not declare one).</summary>
    public static bool IsStorable(HistoryEvent historyEvent)
    {
        ArgumentNullException.ThrowIfNull(historyEvent);
        return historyEvent.GetType().GetCustomAttribute<DataContractAttribute>(inherit: false) is not null;
    }

    /// <summary>Replaces, in place, every event the table converter cannot store by the plain Durable Task event.</summary>
    public static void Plain(IList<HistoryEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        for (var i = 0; i < events.Count; i++)
        {
            if (IsStorable(events[i]))
            {
                continue;
            }

            events[i] = events[i] switch
            {
                SubOrchestrationInstanceCreatedEvent created => new SubOrchestrationInstanceCreatedEvent(created.EventId)
                {
                    Timestamp = created.Timestamp,
                    IsPlayed = created.IsPlayed,
                    Name = created.Name,
                    Version = created.Version,
                    InstanceId = created.InstanceId,
                    Input = created.Input,
                    ClientSpanId = created.ClientSpanId,
                    Tags = created.Tags,
                    ExtensionData = created.ExtensionData,
                },

                // A new sidecar event type would be written as an empty row: fail here, where the cause is plain.
                var other => throw new NotSupportedException(
                    $"{other.GetType().FullName} declares no [DataContract]; DurableTask.AzureStorage would store it without an EventType."),
            };
        }
    }
}
