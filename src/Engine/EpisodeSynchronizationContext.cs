using System.Collections.Concurrent;

namespace Orchestration.Engine;

/// <summary>Runs orchestrator continuations on the dispatching thread, one at a time, when pumped.</summary>
/// <remarks>Delivering one history event and pumping until idle before the next is what makes
/// <c>Task.WhenAny</c> observe completions in history order.</remarks>
internal sealed class EpisodeSynchronizationContext : SynchronizationContext
{
    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _queue = new();
    private int _runningThread = -1;

    /// <summary>Set when orchestrator code resumed from outside an episode (it awaited a task the context did
    /// not create, such as <c>Task.Delay</c> or I/O); such a continuation is never run.</summary>
    public bool ForeignContinuation { get; private set; }

    public override void Post(SendOrPostCallback d, object? state)
    {
        if (Volatile.Read(ref _runningThread) != Environment.CurrentManagedThreadId)
        {
            ForeignContinuation = true;
            return;
        }

        _queue.Enqueue((d, state));
    }

    public override void Send(SendOrPostCallback d, object? state) => d(state);

    public override SynchronizationContext CreateCopy() => this;

    public void Run(Action action)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        Volatile.Write(ref _runningThread, Environment.CurrentManagedThreadId);
        try
        {
            action();
            while (_queue.TryDequeue(out var item))
            {
                item.Callback(item.State);
            }
        }
        finally
        {
            Volatile.Write(ref _runningThread, -1);
            SetSynchronizationContext(previous);
        }
    }
}
