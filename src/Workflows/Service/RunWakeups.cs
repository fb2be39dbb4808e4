using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestration.Activities.CloudRun;
using Orchestration.Durable;

namespace Orchestration.Workflows.Service;

/// <summary>
/// Tells a run that the execution it polls ended (<see cref="Events.ExecutionEnded"/>), so that it polls at once
/// instead of at its next poll time: a run's slot of <c>maxParallelRuns</c> is free as soon as its execution is over,
/// and a run is not polled again and again while it works. For hosts whose runner says when its executions end (the
/// standalone host's local runner); in memory, so a host that restarts leaves the runs it had started to their polls.
/// </summary>
/// <param name="services">Gives the durable client at the first word (it may not exist yet when this is made).</param>
/// <param name="logger">Logs a word that could not be sent.</param>
public sealed class RunWakeups(IServiceProvider services, ILogger<RunWakeups> logger) : IExecutionEnds
{
    /// <summary>How many ends are kept that came before anyone watched the execution (a start that ended before its
    /// StartRun said who waits): the oldest is forgotten first.</summary>
    public const int EarlyEnds = 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _watched = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ended = new(StringComparer.Ordinal);
    private readonly Queue<string> _endedOrder = new();

    /// <summary>Executions watched whose end has not come yet.</summary>
    public int Watched
    {
        get
        {
            lock (_gate)
            {
                return _watched.Count;
            }
        }
    }

    /// <inheritdoc />
    public void Watch(string executionName, string runInstanceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(executionName);
        ArgumentException.ThrowIfNullOrEmpty(runInstanceId);
        lock (_gate)
        {
            if (!_ended.Remove(executionName))
            {
                _watched[executionName] = runInstanceId;
                return;
            }
        }

        Wake(runInstanceId, executionName);
    }

    /// <inheritdoc />
    public void Ended(string executionName)
    {
        ArgumentException.ThrowIfNullOrEmpty(executionName);
        string? instanceId;
        lock (_gate)
        {
            if (!_watched.Remove(executionName, out instanceId))
            {
                if (_ended.Add(executionName))
                {
                    _endedOrder.Enqueue(executionName);
                    while (_endedOrder.Count > EarlyEnds)
                    {
                        _ended.Remove(_endedOrder.Dequeue());
                    }
                }

                return;
            }
        }

        Wake(instanceId, executionName);
    }

    private void Wake(string instanceId, string executionName) => _ = WakeAsync(instanceId, executionName);

    private async Task WakeAsync(string instanceId, string executionName)
    {
        try
        {
            // An instance that ended meanwhile drops the word.
            await services.GetRequiredService<DurableTaskClient>().RaiseEventAsync(instanceId, Events.ExecutionEnded, executionName).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Logs.RunWakeFailed(logger, instanceId, ex);
        }
    }
}
