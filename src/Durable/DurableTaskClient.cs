namespace Orchestration.Durable;

/// <summary>Starts and manages instances, shaped like Durable Task's <c>DurableTaskClient</c> (same names,
/// parameter order and semantics).</summary>
/// <param name="name">The client name.</param>
public abstract class DurableTaskClient(string name)
{
    /// <summary>The client name.</summary>
    public string Name { get; } = name;

    /// <summary>Schedules a new instance.</summary>
    /// <param name="orchestratorName">The orchestrator.</param>
    /// <param name="input">The input; serialized to JSON.</param>
    /// <param name="options">Instance id and start time.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>The instance id.</returns>
    /// <remarks>What happens for an id that exists differs between Durable backends; each engine documents its
    /// own behaviour, and callers that care check first (<see cref="GetInstanceAsync(string, bool, CancellationToken)"/>).</remarks>
    public abstract Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default);

    /// <summary>Schedules a new instance without input.</summary>
    /// <param name="orchestratorName">The orchestrator.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>The instance id.</returns>
    public virtual Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, CancellationToken cancellation)
        => ScheduleNewOrchestrationInstanceAsync(orchestratorName, null, null, cancellation);

    /// <summary>Schedules a new instance.</summary>
    /// <param name="orchestratorName">The orchestrator.</param>
    /// <param name="input">The input.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>The instance id.</returns>
    public virtual Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input, CancellationToken cancellation)
        => ScheduleNewOrchestrationInstanceAsync(orchestratorName, input, null, cancellation);

    /// <summary>Schedules a new instance without input.</summary>
    /// <param name="orchestratorName">The orchestrator.</param>
    /// <param name="options">Instance id and start time.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>The instance id.</returns>
    public virtual Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, StartOrchestrationOptions options, CancellationToken cancellation = default)
        => ScheduleNewOrchestrationInstanceAsync(orchestratorName, null, options, cancellation);

    /// <summary>Raises an external event; buffered by the instance until awaited.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="eventName">The event name.</param>
    /// <param name="eventPayload">The payload; serialized to JSON.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>A task that completes when the event is stored.</returns>
    public abstract Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default);

    /// <summary>Waits until the instance has started.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="getInputsAndOutputs">Whether to include input and output.</param>
    /// <param name="cancellation">Ends the wait.</param>
    /// <returns>The state.</returns>
    public abstract Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default);

    /// <summary>Waits until the instance has completed, failed or been terminated.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="getInputsAndOutputs">Whether to include input and output.</param>
    /// <param name="cancellation">Ends the wait.</param>
    /// <returns>The state.</returns>
    public abstract Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default);

    /// <summary>Reads the state of an instance.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="getInputsAndOutputs">Whether to include input and output.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>The state, or null when there is no such instance.</returns>
    public abstract Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default);

    /// <summary>Reads the state of an instance without input and output.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>The state, or null.</returns>
    public virtual Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, CancellationToken cancellation)
        => GetInstanceAsync(instanceId, false, cancellation);

    /// <summary>Queries instances, page by page.</summary>
    /// <param name="filter">The filter; all instances when null.</param>
    /// <returns>The instances, ordered by instance id.</returns>
    public abstract AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null);

    /// <summary>Terminates an instance (and, when asked, its sub-orchestrations).</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="options">Output and recursion.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>A task that completes when the request is stored; the instance ends shortly after.</returns>
    public abstract Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default);

    /// <summary>Terminates an instance.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>A task that completes when the request is stored.</returns>
    public virtual Task TerminateInstanceAsync(string instanceId, CancellationToken cancellation)
        => TerminateInstanceAsync(instanceId, null, cancellation);

    /// <summary>Terminates an instance with an output.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="output">The output recorded.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>A task that completes when the request is stored.</returns>
    public virtual Task TerminateInstanceAsync(string instanceId, object? output, CancellationToken cancellation = default)
        => TerminateInstanceAsync(instanceId, new TerminateInstanceOptions(output), cancellation);

    /// <summary>Deletes an ended instance and its history (and, when asked, its sub-orchestrations).</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="options">Recursion.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>How many instances were deleted.</returns>
    /// <exception cref="InvalidOperationException">The instance has not ended.</exception>
    public abstract Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default);

    /// <summary>Deletes an ended instance and its history.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>How many instances were deleted.</returns>
    public virtual Task<PurgeResult> PurgeInstanceAsync(string instanceId, CancellationToken cancellation)
        => PurgeInstanceAsync(instanceId, null, cancellation);
}
