using System.Collections.Concurrent;

namespace Orchestration.Engine;

/// <summary>Runs orchestrator continuations on the dispatching thread, one at a time, when pumped.</summary>
/// <remarks>Delivering one history event and pumping until idle before the next is what makes
/// <c>Task.WhenAny</c> observe completions in history order.</remarks>
internal sealed class EpisodeSynchronizationContext : SynchronizationContext
{
    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _queue = new();

    public override void Post(SendOrPostCallback d, object? state) => _queue.Enqueue((d, state));

    public override void Send(SendOrPostCallback d, object? state) => d(state);

    public override SynchronizationContext CreateCopy() => this;

    public void Run(Action action)
    {
        var previous = Current;
        SetSynchronizationContext(this);
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
            SetSynchronizationContext(previous);
        }
    }
}
