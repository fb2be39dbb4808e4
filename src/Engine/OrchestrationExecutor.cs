using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Orchestration.Durable;

namespace Orchestration.Engine;

/// <summary>Runs one execution of one orchestrator over its history: the engine's
/// <see cref="TaskOrchestrationContext"/>.</summary>
/// <remarks>Every action gets the next sequence number. While replaying, each scheduling event of the
/// history is checked against the action the code produced at that number; a mismatch faults the
/// execution with <see cref="NonDeterministicOrchestrationException"/>. Not thread-safe: one episode at a time.</remarks>
internal sealed class OrchestrationExecutor(
    string instanceId,
    TaskName name,
    TaskRegistry registry,
    DataConverter converter,
    ILoggerFactory loggerFactory,
    IServiceProvider services,
    EpisodeSynchronizationContext sync) : TaskOrchestrationContext
{
    /// <summary>Durable's limit: 16 KB of UTF-16 text.</summary>
    public const int MaxCustomStatusLength = 8192;

    private static readonly Guid GuidNamespace = new("9e952958-5e33-4daf-827f-2fa12937b875");

    private readonly Dictionary<int, HistoryEvent> _issued = [];
    private readonly List<HistoryEvent> _newActions = [];
    private readonly HashSet<int> _recorded = [];
    private readonly Dictionary<int, Action<HistoryEvent>> _pending = [];
    private readonly LinkedList<HistoryEvent> _bufferedEvents = new();
    private readonly List<HistoryEvent> _lateEvents = [];
    private readonly Dictionary<string, LinkedList<Action<string?>>> _waiters = new(StringComparer.OrdinalIgnoreCase);
    private int _nextSequence;
    private int _guidCounter;
    private DateTime _now;
    private bool _replaying;
    private string? _input;
    private Task<object?>? _run;
    private Exception? _fault;

    public override TaskName Name => name;

    public override string InstanceId => instanceId;

    public override DateTime CurrentUtcDateTime => _now;

    public override bool IsReplaying => _replaying;

    public string? CustomStatus { get; private set; }

    /// <summary>Whether this execution set a custom status (a fresh execution after ContinueAsNew keeps the old one otherwise).</summary>
    public bool CustomStatusSet { get; private set; }

    public bool Started => _run is not null;

    /// <summary>Input and event-preservation of a requested ContinueAsNew.</summary>
    public (string? Input, bool Preserve)? ContinueAsNewRequest { get; private set; }

    protected override ILoggerFactory LoggerFactory => loggerFactory;

    /// <summary>Delivers history events in order, pumping the orchestrator after each one.</summary>
    public void Process(IEnumerable<HistoryEvent> events, bool replaying)
    {
        foreach (var e in events)
        {
            if (_fault is not null)
            {
                return;
            }

            _replaying = replaying;
            sync.Run(() => Handle(e));
            if (sync.ForeignContinuation)
            {
                _fault = new InvalidOperationException(
                    $"Orchestrator '{name}' ({instanceId}) awaited a task the orchestration context did not create (Task.Delay, Task.Run, I/O...); only durable tasks may be awaited.");
            }
        }

        _replaying = false;
    }

    /// <summary>Actions produced by the code that the history does not hold yet, in order.</summary>
    public List<HistoryEvent> TakeNewActions()
    {
        var result = _newActions.Where(a => !_recorded.Contains(a.TaskId)).ToList();
        _newActions.Clear();
        _recorded.Clear();
        return result;
    }

    /// <summary>Events received before a ContinueAsNew request and never awaited, in arrival order.</summary>
    public IReadOnlyCollection<HistoryEvent> BufferedEvents => _bufferedEvents;

    /// <summary>Events that arrived after the execution asked to continue as new, in arrival order: they belong
    /// to the next execution, whatever preserveUnprocessedEvents says.</summary>
    public IReadOnlyList<HistoryEvent> LateEvents => _lateEvents;

    /// <summary>The state of the execution after the last delivered event.</summary>
    public ExecutionOutcome GetOutcome()
    {
        if (_fault is not null)
        {
            return ExecutionOutcome.Failed(TaskFailureDetails.FromException(_fault));
        }

        if (_run is null || !_run.IsCompleted)
        {
            return ExecutionOutcome.Running;
        }

        if (_run.IsFaulted || _run.IsCanceled)
        {
            var exception = _run.Exception?.InnerException ?? new TaskCanceledException(_run);
            return ExecutionOutcome.Failed(TaskFailureDetails.FromException(exception));
        }

        if (ContinueAsNewRequest is not null)
        {
            return ExecutionOutcome.ContinuedAsNew;
        }

        try
        {
            return ExecutionOutcome.Completed(converter.Serialize(_run.Result));
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return ExecutionOutcome.Failed(TaskFailureDetails.FromException(ex));
        }
    }

    public override T? GetInput<T>() where T : default => converter.Deserialize<T>(_input);

    public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
        => options?.Retry is { } retry
            ? RetryAsync(() => Schedule<TResult>(HistoryEventKind.TaskScheduled, name, input, null), retry.Policy)
            : Schedule<TResult>(HistoryEventKind.TaskScheduled, name, input, null);

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null)
    {
        var childId = (options as SubOrchestrationOptions)?.InstanceId;
        Task<TResult> Call() => Schedule<TResult>(HistoryEventKind.SubOrchestrationCreated, orchestratorName, input, childId ?? NewGuid().ToString("N"));
        return options?.Retry is { } retry ? RetryAsync(Call, retry.Policy) : Call();
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var utc = fireAt.Kind == DateTimeKind.Local ? fireAt.ToUniversalTime() : DateTime.SpecifyKind(fireAt, DateTimeKind.Utc);
        var id = _nextSequence++;
        Issue(new HistoryEvent(HistoryEventKind.TimerCreated, id, null, null, utc.Ticks.ToString(CultureInfo.InvariantCulture), _now));
        var tcs = new TaskCompletionSource();
        _pending[id] = _ => tcs.TrySetResult();
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                _pending.Remove(id);
                tcs.TrySetCanceled(cancellationToken);
            });
        }

        return tcs.Task;
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        for (var node = _bufferedEvents.First; node is not null; node = node.Next)
        {
            if (string.Equals(node.Value.Name, eventName, StringComparison.OrdinalIgnoreCase))
            {
                _bufferedEvents.Remove(node);
                var tcsBuffered = new TaskCompletionSource<T>();
                Complete(tcsBuffered, node.Value.Data);
                return tcsBuffered.Task;
            }
        }

        var tcs = new TaskCompletionSource<T>();
        if (!_waiters.TryGetValue(eventName, out var list))
        {
            _waiters[eventName] = list = new LinkedList<Action<string?>>();
        }

        var waiter = list.AddLast(data => Complete(tcs, data));
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                // A cancelled waiter leaves the queue, so it never swallows a later event.
                if (waiter.List is not null)
                {
                    list.Remove(waiter);
                }

                tcs.TrySetCanceled(cancellationToken);
            });
        }

        return tcs.Task;
    }

    public override void SendEvent(string instanceId, string eventName, object payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var id = _nextSequence++;
        Issue(new HistoryEvent(HistoryEventKind.EventSent, id, eventName, converter.Serialize(payload), instanceId, _now));
    }

    public override void SetCustomStatus(object? customStatus)
    {
        var serialized = converter.Serialize(customStatus);
        if (serialized is { Length: > MaxCustomStatusLength })
        {
            _fault ??= new InvalidOperationException(
                $"The custom status is {serialized.Length} characters of UTF-16; the limit is 16 KB ({MaxCustomStatusLength} characters).");
            return;
        }

        CustomStatus = serialized;
        CustomStatusSet = true;
    }

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true)
        => ContinueAsNewRequest = (converter.Serialize(newInput), preserveUnprocessedEvents);

    public override Guid NewGuid()
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{instanceId}_{_now:o}_{_guidCounter++}");
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var namespaceBytes = GuidNamespace.ToByteArray(bigEndian: true);
        var buffer = new byte[namespaceBytes.Length + nameBytes.Length];
        namespaceBytes.CopyTo(buffer, 0);
        nameBytes.CopyTo(buffer, namespaceBytes.Length);
#pragma warning disable CA5350 // UUID version 5 is defined over SHA-1 (RFC 9562); no security property is relied on.
        var hash = SHA1.HashData(buffer);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    private void Handle(HistoryEvent e)
    {
        switch (e.Kind)
        {
            case HistoryEventKind.OrchestratorStarted:
                _now = e.Timestamp;
                break;
            case HistoryEventKind.ExecutionStarted:
                Start(e);
                break;
            case HistoryEventKind.TaskScheduled or HistoryEventKind.TimerCreated
                or HistoryEventKind.SubOrchestrationCreated or HistoryEventKind.EventSent:
                Verify(e);
                break;
            case HistoryEventKind.TaskCompleted or HistoryEventKind.TaskFailed or HistoryEventKind.TimerFired
                or HistoryEventKind.SubOrchestrationCompleted or HistoryEventKind.SubOrchestrationFailed:
                if (_pending.Remove(e.TaskId, out var handler))
                {
                    handler(e);
                }

                break;
            case HistoryEventKind.EventRaised when ContinueAsNewRequest is not null:
                // Not for this execution's waiters, pending or not: DurableTask.Core, run by the .NET worker with
                // BehaviorOnContinueAsNew.Carryover, hands an event that reaches a continued execution to the next.
                _lateEvents.Add(e);
                break;
            case HistoryEventKind.EventRaised:
                Deliver(e);
                break;
            default:
                break;
        }
    }

    private void Start(HistoryEvent e)
    {
        _input = e.Data;
        try
        {
            var orchestrator = registry.CreateOrchestrator(name, services)
                ?? throw new InvalidOperationException($"No orchestrator named '{name}' is registered.");
            var input = converter.Deserialize(e.Data, orchestrator.InputType);
            _run = orchestrator.RunAsync(this, input);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _run = Task.FromException<object?>(ex);
        }
    }

    private void Verify(HistoryEvent recorded)
    {
        if (!_issued.TryGetValue(recorded.TaskId, out var actual))
        {
            _fault = new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestration '{name}' ({instanceId}): at sequence {recorded.TaskId} the history has {recorded.Describe()} but the code scheduled nothing.");
            return;
        }

        if (actual.Kind != recorded.Kind || !string.Equals(actual.Name, recorded.Name, StringComparison.OrdinalIgnoreCase))
        {
            _fault = new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestration '{name}' ({instanceId}): at sequence {recorded.TaskId} the history has {recorded.Describe()} but the code scheduled {actual.Describe()}.");
            return;
        }

        _recorded.Add(recorded.TaskId);
    }

    private void Deliver(HistoryEvent e)
    {
        if (e.Name is not null && _waiters.TryGetValue(e.Name, out var list) && list.First is { } first)
        {
            list.RemoveFirst();
            first.Value(e.Data);
            return;
        }

        _bufferedEvents.AddLast(e);
    }

    private void Issue(HistoryEvent action)
    {
        _issued[action.TaskId] = action;
        _newActions.Add(action);
    }

    private Task<TResult> Schedule<TResult>(HistoryEventKind kind, TaskName taskName, object? input, string? extra)
    {
        var id = _nextSequence++;
        Issue(new HistoryEvent(kind, id, taskName.Name, converter.Serialize(input), extra, _now));
        var tcs = new TaskCompletionSource<TResult>();
        _pending[id] = e =>
        {
            if (e.Kind is HistoryEventKind.TaskCompleted or HistoryEventKind.SubOrchestrationCompleted)
            {
                Complete(tcs, e.Data);
            }
            else
            {
                var details = FailureJson.Deserialize(e.Data) ?? new TaskFailureDetails("Unknown", "The task failed.", null, null);
                tcs.TrySetException(new TaskFailedException(taskName.Name, id, details));
            }
        };
        return tcs.Task;
    }

    private void Complete<T>(TaskCompletionSource<T> tcs, string? data)
    {
        try
        {
            tcs.TrySetResult(data is null ? default! : (T)converter.Deserialize(data, typeof(T))!);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            tcs.TrySetException(ex);
        }
    }

    private async Task<TResult> RetryAsync<TResult>(Func<Task<TResult>> call, RetryPolicy policy)
    {
        var firstAttempt = _now;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (TaskFailedException failure)
            {
                if (attempt >= policy.MaxNumberOfAttempts || !policy.HandleFailure(failure.FailureDetails))
                {
                    throw;
                }

                var delay = policy.GetDelay(attempt);
                if (policy.RetryTimeout != Timeout.InfiniteTimeSpan && _now + delay - firstAttempt > policy.RetryTimeout)
                {
                    throw;
                }

                // The wait is a durable timer: visible in history, survives restarts, replays identically.
                await CreateTimer(_now + delay, CancellationToken.None);
            }
        }
    }
}
