using Microsoft.Extensions.Logging;

namespace Orchestration.Durable;

/// <summary>What an orchestrator sees of its durable run, shaped like Durable Task's
/// <c>TaskOrchestrationContext</c> so the Azure adapter maps one member to one member.</summary>
/// <remarks>Orchestrator code replays: everything it observes must come from this context (time, ids,
/// results), and it must only await tasks this context created.</remarks>
public abstract class TaskOrchestrationContext
{
    /// <summary>The orchestrator's name.</summary>
    public abstract TaskName Name { get; }

    /// <summary>The instance id.</summary>
    public abstract string InstanceId { get; }

    /// <summary>The current time of the orchestration, taken from history (never the wall clock).</summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>Whether the code is re-running over history already recorded.</summary>
    public abstract bool IsReplaying { get; }

    /// <summary>The factory behind replay-safe loggers.</summary>
    protected abstract ILoggerFactory LoggerFactory { get; }

    /// <summary>Reads the orchestration input.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <returns>The input, deserialized.</returns>
    public abstract T? GetInput<T>();

    /// <summary>Schedules an activity and returns its result.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="name">The activity name.</param>
    /// <param name="input">The input; serialized to JSON.</param>
    /// <param name="options">Retry options.</param>
    /// <returns>The activity's result.</returns>
    /// <exception cref="TaskFailedException">The activity failed (after its retries).</exception>
    /// <remarks>At least once: the activity may run more than once and must be idempotent.</remarks>
    public abstract Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null);

    /// <summary>Schedules an activity whose result is ignored.</summary>
    /// <param name="name">The activity name.</param>
    /// <param name="input">The input; serialized to JSON.</param>
    /// <param name="options">Retry options.</param>
    /// <returns>A task that completes when the activity did.</returns>
    public virtual Task CallActivityAsync(TaskName name, object? input = null, TaskOptions? options = null)
        => CallActivityAsync<object>(name, input, options);

    /// <summary>Schedules an activity without input.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="name">The activity name.</param>
    /// <param name="options">Retry options.</param>
    /// <returns>The activity's result.</returns>
    public virtual Task<TResult> CallActivityAsync<TResult>(TaskName name, TaskOptions options)
        => CallActivityAsync<TResult>(name, null, options);

    /// <summary>Starts a sub-orchestration and returns its output.</summary>
    /// <typeparam name="TResult">The output type.</typeparam>
    /// <param name="orchestratorName">The orchestrator name.</param>
    /// <param name="input">The input; serialized to JSON.</param>
    /// <param name="options">Retry options; a <see cref="SubOrchestrationOptions"/> fixes the child's instance id.</param>
    /// <returns>The child's output.</returns>
    /// <exception cref="TaskFailedException">The child failed or was terminated.</exception>
    public abstract Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null);

    /// <summary>Starts a sub-orchestration whose output is ignored.</summary>
    /// <param name="orchestratorName">The orchestrator name.</param>
    /// <param name="input">The input; serialized to JSON.</param>
    /// <param name="options">Retry options and instance id.</param>
    /// <returns>A task that completes when the child did.</returns>
    public virtual Task CallSubOrchestratorAsync(TaskName orchestratorName, object? input = null, TaskOptions? options = null)
        => CallSubOrchestratorAsync<object>(orchestratorName, input, options);

    /// <summary>Creates a durable timer.</summary>
    /// <param name="fireAt">When it fires (UTC).</param>
    /// <param name="cancellationToken">Cancels the wait; the instance then no longer waits for the timer.</param>
    /// <returns>A task that completes when the timer fires.</returns>
    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    /// <summary>Creates a durable timer that fires after <paramref name="delay"/> of orchestration time.</summary>
    /// <param name="delay">The delay from <see cref="CurrentUtcDateTime"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the timer fires.</returns>
    public virtual Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken)
        => CreateTimer(CurrentUtcDateTime.Add(delay), cancellationToken);

    /// <summary>Waits for an external event; events that arrived earlier are buffered and delivered in arrival order.</summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <param name="eventName">The event name, case-insensitive.</param>
    /// <param name="cancellationToken">Cancels the wait; a cancelled waiter does not consume a later event.</param>
    /// <returns>The payload.</returns>
    public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>Waits for an external event for at most <paramref name="timeout"/>, racing a durable timer
    /// (as Durable Task's helper of the same signature).</summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="timeout">How long to wait, in orchestration time.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="TaskCanceledException">No event arrived in time, or the wait was cancelled.</exception>
    /// <remarks>The losing side is cancelled, so a timed-out waiter does not consume a later event and a
    /// received event leaves no timer keeping the instance running.</remarks>
    public async Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var timerCts = new CancellationTokenSource();
        using var eventCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timerTask = CreateTimer(timeout, timerCts.Token);
        var eventTask = WaitForExternalEvent<T>(eventName, eventCts.Token);
        var winner = await Task.WhenAny(timerTask, eventTask);

        // Cancel synchronously: orchestrator code must stay on the orchestration thread (CancelAsync would run
        // the callbacks on the thread pool, outside the episode).
#pragma warning disable CA1849
        if (winner == eventTask)
        {
            timerCts.Cancel();
        }
        else
        {
            eventCts.Cancel();
        }
#pragma warning restore CA1849

        return await eventTask;
    }

    /// <summary>Sends an event to another instance; dropped when that instance does not exist or has ended.</summary>
    /// <param name="instanceId">The target instance.</param>
    /// <param name="eventName">The event name.</param>
    /// <param name="payload">The payload; serialized to JSON.</param>
    public abstract void SendEvent(string instanceId, string eventName, object payload);

    /// <summary>Sets the custom status; its JSON must stay within 16 KB of UTF-16 (8,192 characters).</summary>
    /// <param name="customStatus">The status; serialized to JSON.</param>
    /// <remarks>Past the limit the orchestration fails, as the Durable isolated worker does.</remarks>
    public abstract void SetCustomStatus(object? customStatus);

    /// <summary>Restarts the orchestration with fresh history and a new input. Return right after calling it.</summary>
    /// <param name="newInput">The new input.</param>
    /// <param name="preserveUnprocessedEvents">Whether events not yet awaited are carried into the new execution.</param>
    /// <remarks>Pending timers and tasks are discarded.</remarks>
    public abstract void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true);

    /// <summary>A deterministic, replay-safe GUID (name-based, from instance id, orchestration time and a counter).</summary>
    /// <returns>The GUID.</returns>
    public abstract Guid NewGuid();

    /// <summary>A logger that writes nothing while replaying.</summary>
    /// <param name="categoryName">The category.</param>
    /// <returns>The logger.</returns>
    public virtual ILogger CreateReplaySafeLogger(string categoryName)
        => new ReplaySafeLogger(this, LoggerFactory.CreateLogger(categoryName));

    /// <summary>A logger that writes nothing while replaying.</summary>
    /// <param name="type">The category type.</param>
    /// <returns>The logger.</returns>
    public virtual ILogger CreateReplaySafeLogger(Type type)
        => new ReplaySafeLogger(this, LoggerFactory.CreateLogger(type));

    /// <summary>A logger that writes nothing while replaying.</summary>
    /// <typeparam name="T">The category type.</typeparam>
    /// <returns>The logger.</returns>
    public virtual ILogger CreateReplaySafeLogger<T>() => CreateReplaySafeLogger(typeof(T));
}
